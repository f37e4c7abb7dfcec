package dev.vigil.learn;

import java.util.List;

/**
 * A last layer trained on the stored embeddings: multinomial logistic regression with L2 weight decay, as pycoral's
 * backprop-last-layer example trains it. Written out here rather than taken from a library: the problem is a 1024 x
 * (a few classes) matrix and a few hundred examples, solved by full-batch gradient descent in well under a second;
 * the ML libraries for the JVM (DJL's training, Tribuo, Smile) would add tens of megabytes and their own native
 * runtime to a Pi install for these thirty lines.
 */
final class SoftmaxRegression {

    /** Weight decay: keeps the weights small, so 20 examples a class do not fit noise. */
    static final double WEIGHT_DECAY = 1e-3;
    static final int STEPS = 400;

    private SoftmaxRegression() {}

    /**
     * The head of the examples' classes, in {@code labels}' order. The embeddings are centred on their mean first
     * (embeddings of similar parts share most of their direction; what tells the classes apart is the rest), and the
     * centring is folded into the bias, so the head takes the raw unit embedding like imprinting's does.
     */
    static Head fit(List<Example> examples, List<String> labels) {
        int n = examples.size(), dim = examples.getFirst().embedding().length, classes = labels.size();
        float[] mean = new float[dim];
        for (Example e : examples) for (int i = 0; i < dim; i++) mean[i] += e.embedding()[i] / n;
        float[][] x = new float[n][dim];
        int[] y = new int[n];
        double sq = 0;
        for (int k = 0; k < n; k++) {
            float[] e = examples.get(k).embedding();
            for (int i = 0; i < dim; i++) {
                x[k][i] = e[i] - mean[i];
                sq += (double) x[k][i] * x[k][i];
            }
            y[k] = labels.indexOf(examples.get(k).label());
        }
        // The loss's curvature is at most half the mean squared norm of the inputs (plus the decay): a step of its
        // inverse never overshoots, whatever the embeddings' scale.
        double rate = 1.0 / (0.5 * sq / n + 0.5 + WEIGHT_DECAY);
        double[][] w = new double[classes][dim], vw = new double[classes][dim], gw = new double[classes][dim];
        double[] b = new double[classes], vb = new double[classes], gb = new double[classes];
        double[] p = new double[classes];
        for (int step = 0; step < STEPS; step++) {
            for (double[] g : gw) java.util.Arrays.fill(g, 0);
            java.util.Arrays.fill(gb, 0);
            for (int k = 0; k < n; k++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double z = b[c];
                    for (int i = 0; i < dim; i++) z += w[c][i] * x[k][i];
                    p[c] = z;
                    max = Math.max(max, z);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += p[c] = Math.exp(p[c] - max);
                for (int c = 0; c < classes; c++) {
                    double d = (p[c] / sum - (y[k] == c ? 1 : 0)) / n;
                    gb[c] += d;
                    for (int i = 0; i < dim; i++) gw[c][i] += d * x[k][i];
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int i = 0; i < dim; i++) {
                    vw[c][i] = 0.9 * vw[c][i] - rate * (gw[c][i] + WEIGHT_DECAY * w[c][i]);
                    w[c][i] += vw[c][i];
                }
                vb[c] = 0.9 * vb[c] - rate * gb[c];
                b[c] += vb[c];
            }
        }
        float[][] weights = new float[classes][dim];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            double shift = 0;
            for (int i = 0; i < dim; i++) {
                weights[c][i] = (float) w[c][i];
                shift += w[c][i] * mean[i];
            }
            bias[c] = (float) (b[c] - shift);
        }
        return new Head(Head.Kind.SOFTMAX, 1f, labels, weights, bias, null);
    }
}
