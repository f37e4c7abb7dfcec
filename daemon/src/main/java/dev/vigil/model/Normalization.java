package dev.vigil.model;

import java.util.Arrays;

/**
 * Input normalization from a model's metadata: a pixel value {@code p} of channel {@code c} becomes
 * {@code (p - mean[c]) / std[c]}. A single value stands for every channel.
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length == 0 || std.length == 0) throw new IllegalArgumentException("normalization: mean and std must not be empty");
        mean = mean.clone();
        std = std.clone();
    }

    public float mean(int channel) { return mean[mean.length == 1 ? 0 : channel]; }

    public float std(int channel) { return std[std.length == 1 ? 0 : channel]; }

    @Override
    public float[] mean() { return mean.clone(); }

    @Override
    public float[] std() { return std.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std); }

    @Override
    public String toString() { return "mean " + Arrays.toString(mean) + " std " + Arrays.toString(std); }
}
