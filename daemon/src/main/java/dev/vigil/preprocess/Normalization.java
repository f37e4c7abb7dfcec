package dev.vigil.preprocess;

/**
 * How pixels (0..255, RGB) become the model's real-valued input: {@code real = (pixel - mean) / std}, per channel.
 * From the model's metadata, the catalog entry, or a default chosen by the input type.
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length != 1 && mean.length != 3) throw new IllegalArgumentException("mean: need 1 or 3 values, got " + mean.length);
        if (std.length != 1 && std.length != 3) throw new IllegalArgumentException("std: need 1 or 3 values, got " + std.length);
        for (float s : std) if (!(s > 0f)) throw new IllegalArgumentException("std: " + s + " must be > 0");
    }

    public static Normalization of(float mean, float std) {
        return new Normalization(new float[] {mean}, new float[] {std});
    }

    /** MobileNet's float convention: [-1, 1]. */
    public static final Normalization MINUS_ONE_TO_ONE = of(127.5f, 127.5f);

    public float mean(int c) { return mean.length == 1 ? mean[0] : mean[c]; }

    public float std(int c) { return std.length == 1 ? std[0] : std[c]; }

    public boolean uniform() {
        return (mean.length == 1 || (mean[0] == mean[1] && mean[1] == mean[2]))
                && (std.length == 1 || (std[0] == std[1] && std[1] == std[2]));
    }
}
