package dev.vigil.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** The number of parameters of a TFLite model, read from its flatbuffer without loading it into an interpreter. */
public final class ModelParameters {

    private ModelParameters() {}

    /**
     * Elements of every constant tensor (one whose buffer holds data), each buffer counted once. Empty when the
     * file is no TFLite model, or when weights hide in a custom op's blob where the schema does not show them (an
     * Edge TPU compiled model).
     */
    public static OptionalLong count(Path model) throws IOException {
        ByteBuffer file;
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        if (!FlatTable.hasIdentifier(file, TfliteSchema.IDENTIFIER)) return OptionalLong.empty();
        try {
            FlatTable root = FlatTable.root(file);
            for (FlatTable code : root.tables(TfliteSchema.MODEL_OPERATOR_CODES)) {
                String custom = code.string(TfliteSchema.OPERATOR_CODE_CUSTOM_CODE);
                if (custom != null && custom.startsWith("edgetpu")) return OptionalLong.empty();
            }
            List<FlatTable> buffers = root.tables(TfliteSchema.MODEL_BUFFERS);
            Set<Long> seen = new HashSet<>();
            long total = 0;
            for (FlatTable sub : root.tables(TfliteSchema.MODEL_SUBGRAPHS)) {
                for (FlatTable t : sub.tables(TfliteSchema.SUBGRAPH_TENSORS)) {
                    long b = t.uint(TfliteSchema.TENSOR_BUFFER, 0);
                    if (b <= 0 || b >= buffers.size() || !hasData(buffers.get((int) b)) || !seen.add(b)) continue;
                    int[] shape = t.ints(TfliteSchema.TENSOR_SHAPE);
                    long n = 1;
                    if (shape != null) for (int d : shape) n *= Math.max(d, 0);
                    total += n;
                }
            }
            return OptionalLong.of(total);
        } catch (IndexOutOfBoundsException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean hasData(FlatTable buffer) {
        ByteBuffer data = buffer.bytes(TfliteSchema.BUFFER_DATA);
        if (data != null && data.remaining() > 0) return true;
        return buffer.ulong(TfliteSchema.BUFFER_OFFSET, 0) > 1 && buffer.ulong(TfliteSchema.BUFFER_SIZE, 0) > 0;
    }
}
