package dev.vigil.inference;

/** Element types of the tensors vigil reads and writes. */
public enum TensorType {
    FLOAT32(4), UINT8(1), INT8(1), INT32(4), INT64(8), FLOAT16(2), OTHER(1);

    private final int bytes;

    TensorType(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    public boolean quantized() { return this == UINT8 || this == INT8; }
}
