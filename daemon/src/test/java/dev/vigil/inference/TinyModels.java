package dev.vigil.inference;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes tiny TFLite models for tests, with the FlatBuffers builder and the field slots of TFLite's schema.fbs
 * (no Python TensorFlow here to convert real ones). One graph: a FULLY_CONNECTED with int8 weights quantized
 * per output channel, optionally wrapped in QUANTIZE / DEQUANTIZE so the model's own inputs and outputs are float.
 *
 * <p>Input x (1x4), weights 3x4 all {@code 10} with scales {@link #WEIGHT_SCALES}, no bias: y_c = 10 * scale_c * sum(x).
 */
final class TinyModels {

    static final float[] WEIGHT_SCALES = {0.1f, 0.2f, 0.3f};
    static final float INPUT_SCALE = 0.05f, OUTPUT_SCALE = 0.25f;

    // schema.fbs enums
    private static final byte FLOAT32 = 0, INT8 = 9;
    private static final int OP_FULLY_CONNECTED = 9, OP_DEQUANTIZE = 6, OP_QUANTIZE = 114;

    private TinyModels() {}

    /** Expected float result of the graph for input {@code x}, computed with the per-channel scales. */
    static float[] expected(float[] x) {
        float sum = 0;
        for (float v : x) sum += Math.round(v / INPUT_SCALE) * INPUT_SCALE;
        float[] y = new float[WEIGHT_SCALES.length];
        for (int c = 0; c < y.length; c++) y[c] = 10 * WEIGHT_SCALES[c] * sum;
        return y;
    }

    /**
     * @param floatIo  true: float32 in and out (QUANTIZE, FULLY_CONNECTED, DEQUANTIZE); false: int8 in and out
     * @param perChannel  false gives the weights one scale (the first), for a model engine djl accepts
     */
    static Path perChannelFullyConnected(Path dir, boolean floatIo, boolean perChannel) {
        float[] wScales = perChannel ? WEIGHT_SCALES : new float[] {WEIGHT_SCALES[0]};
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int qIn = quant(b, new float[] {INPUT_SCALE}, 0);
        int qW = quant(b, wScales, 0);
        int qOut = quant(b, new float[] {OUTPUT_SCALE}, 0);
        int[] tensors = {
                tensor(b, "x", new int[] {1, 4}, FLOAT32, 0, 0),
                tensor(b, "x_q", new int[] {1, 4}, INT8, 0, qIn),
                tensor(b, "w", new int[] {3, 4}, INT8, 1, qW),
                tensor(b, "y_q", new int[] {1, 3}, INT8, 0, qOut),
                tensor(b, "y", new int[] {1, 3}, FLOAT32, 0, 0),
        };
        int[] ops = floatIo
                ? new int[] {op(b, 0, new int[] {0}, new int[] {1}), op(b, 1, new int[] {1, 2, -1}, new int[] {3}),
                             op(b, 2, new int[] {3}, new int[] {4})}
                : new int[] {op(b, 1, new int[] {1, 2, -1}, new int[] {3})};
        int[] io = floatIo ? new int[] {0, 4} : new int[] {1, 3};

        int tensorVec = b.createVectorOfTables(tensors);
        int inVec = intVector(b, io[0]);
        int outVec = intVector(b, io[1]);
        int opVec = b.createVectorOfTables(ops);
        int sgName = b.createString("main");
        b.startTable(5);
        b.addOffset(0, tensorVec, 0);
        b.addOffset(1, inVec, 0);
        b.addOffset(2, outVec, 0);
        b.addOffset(3, opVec, 0);
        b.addOffset(4, sgName, 0);
        int subgraph = b.endTable();

        int[] codes = {opcode(b, OP_QUANTIZE), opcode(b, OP_FULLY_CONNECTED), opcode(b, OP_DEQUANTIZE)};
        byte[] w = new byte[12];
        Arrays.fill(w, (byte) 10);
        int empty = buffer(b, null), weights = buffer(b, w);

        int codeVec = b.createVectorOfTables(codes);
        int sgVec = b.createVectorOfTables(new int[] {subgraph});
        int bufVec = b.createVectorOfTables(new int[] {empty, weights});
        int desc = b.createString("vigil test model");
        b.startTable(5);
        b.addInt(0, 3, 0);            // version
        b.addOffset(1, codeVec, 0);   // operator_codes
        b.addOffset(2, sgVec, 0);     // subgraphs
        b.addOffset(3, desc, 0);      // description
        b.addOffset(4, bufVec, 0);    // buffers
        b.finish(b.endTable(), "TFL3");

        Path file = dir.resolve("fc_" + (floatIo ? "float_io" : "int8_io") + (perChannel ? "_per_channel" : "_per_tensor") + ".tflite");
        try {
            return Files.write(file, b.sizedByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int quant(FlatBufferBuilder b, float[] scales, int zeroPoint) {
        b.startVector(4, scales.length, 4);
        for (int i = scales.length - 1; i >= 0; i--) b.addFloat(scales[i]);
        int scaleVec = b.endVector();
        b.startVector(8, scales.length, 8);
        for (int i = scales.length - 1; i >= 0; i--) b.addLong(zeroPoint);
        int zpVec = b.endVector();
        b.startTable(7);
        b.addOffset(2, scaleVec, 0);  // scale
        b.addOffset(3, zpVec, 0);     // zero_point
        b.addInt(6, 0, -1);           // quantized_dimension (written even though 0 is the default)
        return b.endTable();
    }

    private static int tensor(FlatBufferBuilder b, String name, int[] shape, byte type, int buffer, int quant) {
        int shapeVec = intVector(b, shape);
        int n = b.createString(name);
        b.startTable(5);
        b.addOffset(0, shapeVec, 0);
        b.addByte(1, type, -1);
        b.addInt(2, buffer, 0);
        b.addOffset(3, n, 0);
        if (quant != 0) b.addOffset(4, quant, 0);
        return b.endTable();
    }

    private static int op(FlatBufferBuilder b, int opcodeIndex, int[] inputs, int[] outputs) {
        int in = intVector(b, inputs), out = intVector(b, outputs);
        b.startTable(3);
        b.addInt(0, opcodeIndex, -1);
        b.addOffset(1, in, 0);
        b.addOffset(2, out, 0);
        return b.endTable();
    }

    private static int opcode(FlatBufferBuilder b, int builtin) {
        b.startTable(4);
        b.addByte(0, (byte) Math.min(builtin, 127), -1);  // deprecated_builtin_code, read by older runtimes
        b.addInt(2, 1, 0);                                   // version
        b.addInt(3, builtin, -1);                            // builtin_code
        return b.endTable();
    }

    private static int buffer(FlatBufferBuilder b, byte[] data) {
        int d = data == null ? 0 : b.createByteVector(data);
        b.startTable(1);
        if (data != null) b.addOffset(0, d, 0);
        return b.endTable();
    }

    private static int intVector(FlatBufferBuilder b, int... v) {
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) b.addInt(v[i]);
        return b.endVector();
    }

    static ByteBuffer floats(ByteBuffer target, float... v) {
        for (int i = 0; i < v.length; i++) target.putFloat(i * 4, v[i]);
        return target;
    }
}
