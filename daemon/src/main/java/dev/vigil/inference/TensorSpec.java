package dev.vigil.inference;

import java.util.Arrays;

/**
 * Name, element type, shape and (per-tensor) quantization of one model tensor.
 * {@code scale == 0} means "not quantized". {@code perChannel} marks tensors whose scale varies along an axis.
 */
public record TensorSpec(String name, TensorType type, int[] shape, float scale, int zeroPoint) {

    public int elements() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int rank() { return shape.length; }

    public boolean quantized() { return type.quantized() && scale != 0f; }

    @Override
    public String toString() {
        return name + " " + type.name().toLowerCase() + Arrays.toString(shape)
                + (quantized() ? " scale " + scale + " zero point " + zeroPoint : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && scale == t.scale && zeroPoint == t.zeroPoint;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }
}
