package dev.vigil.learn;

import java.util.List;

/**
 * The learned last layer on a unit-length embedding e: x = e, or with a centre c, x = (e - c) / |e - c|;
 * logits = scale * (W x + b), probabilities = softmax(logits). For imprinting the rows of W are unit-length class
 * sums and b is 0, so the logit is scale times a cosine.
 *
 * @param weights one row per class, each of the embedding's length
 * @param bias    one per class (zeros for imprinting)
 * @param center  the mean embedding of the examples, subtracted first; null for none
 */
public record Head(Kind kind, float scale, List<String> labels, float[][] weights, float[] bias, float[] center) {

    public enum Kind {
        IMPRINTING, SOFTMAX;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public Head {
        labels = List.copyOf(labels);
        if (weights.length != labels.size() || bias.length != labels.size())
            throw new IllegalArgumentException("a head of " + labels.size() + " labels has " + weights.length + " weight rows and " + bias.length + " biases");
        if (center != null && weights.length > 0 && center.length != weights[0].length)
            throw new IllegalArgumentException("the centre has " + center.length + " values, the weights " + weights[0].length);
    }

    public int classes() { return labels.size(); }

    public int dim() { return weights[0].length; }

    /** Writes the class probabilities of embedding {@code e} into {@code out} (length {@link #classes()}); allocates nothing. */
    public void probabilities(float[] e, float[] out) {
        float norm = 1;
        if (center != null) {
            double sq = 0;
            for (int i = 0; i < e.length; i++) sq += (double) (e[i] - center[i]) * (e[i] - center[i]);
            norm = sq > 0 ? (float) Math.sqrt(sq) : 1;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < weights.length; c++) {
            float[] w = weights[c];
            float dot = 0;
            if (center == null) for (int i = 0; i < w.length; i++) dot += w[i] * e[i];
            else for (int i = 0; i < w.length; i++) dot += w[i] * (e[i] - center[i]);
            out[c] = scale * (dot / norm + bias[c]);
            max = Math.max(max, out[c]);
        }
        float sum = 0;
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < out.length; c++) out[c] /= sum;
    }

    /** The index of the most probable class. */
    public int predict(float[] e) {
        float[] p = new float[classes()];
        probabilities(e, p);
        int best = 0;
        for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
        return best;
    }
}
