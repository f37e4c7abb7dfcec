package dev.vigil.learn;

import java.util.List;

/**
 * Weight imprinting (Qi, Brown, Lowe, "Low-Shot Learning with Imprinted Weights", CVPR 2018): a class's weights are
 * the normalised sum of its examples' unit embeddings, and a frame's logit for it is a scale times their cosine.
 * Nothing is trained, so a class with three examples is as usable as one with three hundred.
 *
 * <p>The embeddings are centred on the examples' mean and normalised again before they are summed (and so is every
 * frame's at inference), as SimpleShot (Wang et al., 2019) does for nearest-centroid few-shot classification:
 * photos of one kind of part share most of their embedding, and a cosine between raw embeddings is then near 1 for
 * every class. On the generated washers this takes imprinting from 91% to the softmax regression's level.
 */
final class Imprinting {

    private Imprinting() {}

    /**
     * The head of the examples' classes, in {@code labels}' order. The scale, which only sharpens or softens the
     * probabilities (never changes the top class), is the one of a coarse grid that fits the examples best (least
     * cross-entropy), so a score of 0.9 means about what it says.
     */
    static Head fit(List<Example> examples, List<String> labels) {
        int dim = examples.getFirst().embedding().length, n = examples.size();
        float[] center = new float[dim];
        for (Example e : examples) for (int i = 0; i < dim; i++) center[i] += e.embedding()[i] / n;
        float[][] w = new float[labels.size()][dim];
        float[] x = new float[dim];
        for (Example e : examples) {
            double sq = 0;
            for (int i = 0; i < dim; i++) {
                x[i] = e.embedding()[i] - center[i];
                sq += (double) x[i] * x[i];
            }
            float norm = sq > 0 ? (float) Math.sqrt(sq) : 1;
            float[] row = w[labels.indexOf(e.label())];
            for (int i = 0; i < dim; i++) row[i] += x[i] / norm;
        }
        for (float[] row : w) {
            double sq = 0;
            for (float v : row) sq += (double) v * v;
            float norm = (float) Math.sqrt(sq);
            if (norm > 0) for (int i = 0; i < dim; i++) row[i] /= norm;
        }
        float[] bias = new float[labels.size()];
        float best = 10f;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (float s : new float[] {1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000}) {
            double loss = crossEntropy(new Head(Head.Kind.IMPRINTING, s, labels, w, bias, center), examples);
            if (loss < bestLoss) {
                bestLoss = loss;
                best = s;
            }
        }
        return new Head(Head.Kind.IMPRINTING, best, labels, w, bias, center);
    }

    static double crossEntropy(Head h, List<Example> examples) {
        float[] p = new float[h.classes()];
        double loss = 0;
        for (Example e : examples) {
            h.probabilities(e.embedding(), p);
            loss -= Math.log(Math.max(1e-12, p[h.labels().indexOf(e.label())]));
        }
        return loss / examples.size();
    }
}
