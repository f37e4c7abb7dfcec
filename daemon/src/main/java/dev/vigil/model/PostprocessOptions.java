package dev.vigil.model;

import com.google.flatbuffers.FlexBuffers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class count of a detector whose graph ends in {@code TFLite_Detection_PostProcess}: its outputs are class
 * indices, so their shapes do not tell how many classes there are; the op's custom options (a FlexBuffer map) do,
 * as {@code num_classes} (background not counted).
 */
public final class PostprocessOptions {

    private static final Logger log = LoggerFactory.getLogger(PostprocessOptions.class);
    static final String OP = "TFLite_Detection_PostProcess";

    private PostprocessOptions() {}

    /** {@code num_classes} of the model's post-processing op; empty when the file has none or cannot be read. */
    public static OptionalInt numClasses(Path model) {
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8 || size > Integer.MAX_VALUE) return OptionalInt.empty();
            ByteBuffer file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (!FlatTable.hasIdentifier(file, TfliteSchema.IDENTIFIER)) return OptionalInt.empty();
            FlatTable root = FlatTable.root(file);
            List<FlatTable> codes = root.tables(TfliteSchema.MODEL_OPERATOR_CODES);
            for (FlatTable subgraph : root.tables(TfliteSchema.MODEL_SUBGRAPHS)) {
                for (FlatTable op : subgraph.tables(TfliteSchema.SUBGRAPH_OPERATORS)) {
                    long code = op.uint(TfliteSchema.OPERATOR_OPCODE_INDEX, 0);
                    if (code >= codes.size() || !OP.equals(codes.get((int) code).string(TfliteSchema.OPERATOR_CODE_CUSTOM_CODE))) continue;
                    ByteBuffer options = op.bytes(TfliteSchema.OPERATOR_CUSTOM_OPTIONS);
                    if (options == null || options.limit() == 0) return OptionalInt.empty();
                    FlexBuffers.Reference n = FlexBuffers.getRoot(options).asMap().get("num_classes");
                    return n.isNull() ? OptionalInt.empty() : OptionalInt.of(n.asInt());
                }
            }
            return OptionalInt.empty();
        } catch (Exception e) {
            // A damaged or foreign file (a test's stand-in model): the count is unknown, not wrong.
            log.debug("{}: no readable {} options ({})", model, OP, e.toString());
            return OptionalInt.empty();
        }
    }
}
