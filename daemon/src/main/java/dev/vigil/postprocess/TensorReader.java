package dev.vigil.postprocess;

import dev.vigil.inference.TensorSpec;
import java.nio.ByteBuffer;

/** Reads element {@code i} of an output tensor as a real (dequantized) float, without allocating. */
public final class TensorReader {

    private TensorReader() {}

    public static float get(TensorSpec spec, ByteBuffer b, int i) {
        return switch (spec.type()) {
            case FLOAT32 -> b.getFloat(i * 4);
            case UINT8 -> spec.quantized() ? ((b.get(i) & 0xff) - spec.zeroPoint()) * spec.scale() : (b.get(i) & 0xff);
            case INT8 -> spec.quantized() ? (b.get(i) - spec.zeroPoint()) * spec.scale() : b.get(i);
            case INT32 -> b.getInt(i * 4);
            case INT64 -> b.getLong(i * 8);
            case FLOAT16 -> Float.float16ToFloat(b.getShort(i * 2));
            default -> throw new IllegalArgumentException("cannot read output " + spec);
        };
    }
}
