package dev.vigil.postprocess;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Classification: the k best classes of a classifier's output (dequantized scores), kept in arrays allocated once.
 */
public final class TopK {

    private final int k;
    private final int[] index;
    private final float[] score;
    private int count;

    public TopK(int k) {
        if (k < 1) throw new IllegalArgumentException("top: " + k + " must be at least 1");
        this.k = k;
        index = new int[k];
        score = new float[k];
    }

    /** Fills from output {@code output} of the engine: every class with score >= minScore, best first. */
    public void decode(InferenceEngine engine, int output, float minScore) {
        TensorSpec spec = engine.outputs().get(output);
        ByteBuffer b = engine.output(output);
        int n = spec.elements();
        count = 0;
        for (int i = 0; i < n; i++) {
            float s = TensorReader.get(spec, b, i);
            if (s < minScore || (count == k && s <= score[k - 1])) continue;
            int j = count < k ? count++ : k - 1;
            while (j > 0 && score[j - 1] < s) {
                score[j] = score[j - 1];
                index[j] = index[j - 1];
                j--;
            }
            score[j] = s;
            index[j] = i;
        }
    }

    public int count() { return count; }

    public int index(int i) { return index[i]; }

    public float score(int i) { return score[i]; }

    public List<Classification> toList(IntFunction<String> label) {
        List<Classification> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(new Classification(index[i], label.apply(index[i]), score[i]));
        return out;
    }
}
