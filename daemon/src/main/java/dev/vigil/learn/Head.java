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
 * @param power   the power transform applied to e first (each value raised to it, then normalised again); 1 for none
 */
public record Head(Kind kind, float scale, List<String> labels, float[][] weights, float[] bias, float[] center, float power) {

    /** The transformed embedding, per thread: {@link #probabilities} allocates nothing once a thread has called it. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    public Head(Kind kind, float scale, List<String> labels, float[][] weights, float[] bias, float[] center) {
        this(kind, scale, labels, weights, bias, center, 1f);
    }

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
        if (!(power > 0 && power <= 1)) throw new IllegalArgumentException("power must be in (0, 1], not " + power);
    }

    /**
     * The power transform of Hu, Gripon and Pateux ("Leveraging the Feature Distribution in Transfer-based Few-Shot
     * Learning", 2021): the extractor's outputs are non-negative (ReLU6) and heavy-tailed, and raising them to a power
     * below 1 before normalising brings them nearer a Gaussian, where a class mean is a good prototype.
     * {@code e} itself is returned when the power is 1.
     */
    float[] transform(float[] e) {
        if (power == 1f) return e;
        float[] t = SCRATCH.get();
        if (t.length != e.length) SCRATCH.set(t = new float[e.length]);
        return transform(e, power, t);
    }

    static float[] transform(float[] e, float power, float[] out) {
        double sq = 0;
        for (int i = 0; i < e.length; i++) {
            out[i] = (float) Math.pow(Math.max(0f, e[i]), power);
            sq += (double) out[i] * out[i];
        }
        float norm = sq > 0 ? (float) Math.sqrt(sq) : 1;
        for (int i = 0; i < e.length; i++) out[i] /= norm;
        return out;
    }

    public int classes() { return labels.size(); }

    public int dim() { return weights[0].length; }

    /** Writes the class probabilities of embedding {@code e} into {@code out} (length {@link #classes()}); allocates nothing. */
    public void probabilities(float[] raw, float[] out) {
        float[] e = transform(raw);
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
