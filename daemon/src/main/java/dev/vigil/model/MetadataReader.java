package dev.vigil.model;

import dev.vigil.preprocess.Normalization;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@link ModelMetadata} from a model file; see there. */
final class MetadataReader {
    private MetadataReader() {}

    private static final Logger log = LoggerFactory.getLogger(MetadataReader.class);

    static ModelMetadata read(Path model, String locale) {
        // The file is mapped, not copied, and unmapped when the arena closes: models are megabytes, the
        // metadata a few hundred bytes of them. Everything kept is copied out before the arena closes.
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(model, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8 || size > Integer.MAX_VALUE) return ModelMetadata.none(model);
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            ByteBuffer bb = file.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer metadata = metadataBuffer(bb);
            if (metadata == null || !FlatTable.hasIdentifier(metadata, MetadataSchema.IDENTIFIER)) {
                return ModelMetadata.none(model);
            }
            return parse(model, FlatTable.root(metadata), locale);
        } catch (Exception e) {
            // A damaged or foreign file: offsets out of range, bad UTF-8, an unreadable path.
            log.debug("{}: no readable TFLite metadata ({})", model, e.toString());
            return ModelMetadata.none(model);
        }
    }

    /** The bytes of the buffer the {@code TFLITE_METADATA} entry points to, or null. */
    private static ByteBuffer metadataBuffer(ByteBuffer file) {
        if (!FlatTable.hasIdentifier(file, TfliteSchema.IDENTIFIER)) return null;
        FlatTable model = FlatTable.root(file);
        List<FlatTable> buffers = model.tables(TfliteSchema.MODEL_BUFFERS);
        for (FlatTable entry : model.tables(TfliteSchema.MODEL_METADATA)) {
            if (!TfliteSchema.METADATA_NAME.equals(entry.string(TfliteSchema.METADATA_NAME_FIELD))) continue;
            long index = entry.uint(TfliteSchema.METADATA_BUFFER, -1);
            if (index < 0 || index >= buffers.size()) return null;
            FlatTable buffer = buffers.get((int) index);
            ByteBuffer data = buffer.bytes(TfliteSchema.BUFFER_DATA);
            if (data != null && data.limit() > 0) return data;
            long offset = buffer.ulong(TfliteSchema.BUFFER_OFFSET, 0);
            long size = buffer.ulong(TfliteSchema.BUFFER_SIZE, 0);
            if (offset > 1 && size > 0 && offset + size <= file.limit()) {
                return file.slice((int) offset, (int) size).order(ByteOrder.LITTLE_ENDIAN);
            }
            return null;
        }
        return null;
    }

    private static ModelMetadata parse(Path model, FlatTable root, String locale) {
        List<TensorInfo> inputs = List.of();
        List<TensorInfo> outputs = List.of();
        List<AssociatedFile> files = new ArrayList<>(files(root, MetadataSchema.MODEL_FILES));
        List<FlatTable> subgraphs = root.tables(MetadataSchema.MODEL_SUBGRAPHS);
        if (!subgraphs.isEmpty()) {
            FlatTable main = subgraphs.getFirst();
            inputs = tensors(main, MetadataSchema.SUBGRAPH_INPUTS);
            outputs = tensors(main, MetadataSchema.SUBGRAPH_OUTPUTS);
            files.addAll(files(main, MetadataSchema.SUBGRAPH_FILES));
        }
        Optional<String> labelFile = labelFile(outputs, locale);
        Optional<List<String>> labels = labelFile.flatMap(name -> {
            Optional<List<String>> lines = AppendedZip.lines(model, name);
            if (lines.isEmpty()) log.warn("{}: metadata names label file {} but the model has no such packed file", model, name);
            return lines;
        });
        return new ModelMetadata(model,
                text(root, MetadataSchema.MODEL_NAME), text(root, MetadataSchema.MODEL_DESCRIPTION),
                text(root, MetadataSchema.MODEL_VERSION), text(root, MetadataSchema.MODEL_AUTHOR),
                text(root, MetadataSchema.MODEL_LICENSE),
                inputs, outputs, files, labelFile, labels);
    }

    /**
     * The schema: "If multiple files of the same type are present, the first one is used by default; additional ones
     * are to be distinguished from one another by their specified locale." The first is typically machine IDs
     * ({@code /m/0jbk}) and a later one the display names ({@code Animal}, locale {@code en}), as the TFLite Task
     * library reads them: the file of the wanted locale (exactly, then by language) wins, else the first.
     */
    private static Optional<String> labelFile(List<TensorInfo> outputs, String locale) {
        for (AssociatedFile.Type wanted : List.of(AssociatedFile.Type.TENSOR_AXIS_LABELS, AssociatedFile.Type.TENSOR_VALUE_LABELS)) {
            for (TensorInfo t : outputs) {
                List<AssociatedFile> files = t.files().stream().filter(f -> f.type() == wanted && !f.name().isEmpty()).toList();
                if (files.isEmpty()) continue;
                String want = normalized(locale);
                String language = want.split("-")[0];
                return files.stream().filter(f -> normalized(f.locale()).equals(want)).findFirst()
                        .or(() -> files.stream().filter(f -> !f.locale().isEmpty() && normalized(f.locale()).split("-")[0].equals(language)).findFirst())
                        .or(() -> Optional.of(files.getFirst()))
                        .map(AssociatedFile::name);
            }
        }
        return Optional.empty();
    }

    private static String normalized(String locale) {
        return locale == null ? "" : locale.strip().replace('_', '-').toLowerCase(java.util.Locale.ROOT);
    }

    private static List<TensorInfo> tensors(FlatTable subgraph, int field) {
        List<TensorInfo> out = new ArrayList<>();
        for (FlatTable t : subgraph.tables(field)) {
            out.add(new TensorInfo(orEmpty(t.string(MetadataSchema.TENSOR_NAME)),
                    orEmpty(t.string(MetadataSchema.TENSOR_DESCRIPTION)),
                    normalization(t), files(t, MetadataSchema.TENSOR_FILES)));
        }
        return out;
    }

    private static Optional<Normalization> normalization(FlatTable tensor) {
        for (FlatTable unit : tensor.tables(MetadataSchema.TENSOR_PROCESS_UNITS)) {
            if (unit.ubyte(MetadataSchema.PROCESS_UNIT_OPTIONS_TYPE, 0) != MetadataSchema.OPTIONS_NORMALIZATION) continue;
            FlatTable options = unit.table(MetadataSchema.PROCESS_UNIT_OPTIONS);
            if (options == null) continue;
            float[] mean = options.floats(MetadataSchema.NORMALIZATION_MEAN);
            float[] std = options.floats(MetadataSchema.NORMALIZATION_STD);
            if (mean == null || std == null) continue;
            try {
                return Optional.of(new Normalization(mean, std));
            } catch (IllegalArgumentException e) {
                log.warn("metadata normalization ignored: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static List<AssociatedFile> files(FlatTable table, int field) {
        List<AssociatedFile> out = new ArrayList<>();
        for (FlatTable f : table.tables(field)) {
            String name = f.string(MetadataSchema.FILE_NAME);
            if (name == null) continue;
            out.add(new AssociatedFile(name, orEmpty(f.string(MetadataSchema.FILE_DESCRIPTION)),
                    AssociatedFile.Type.of(f.ubyte(MetadataSchema.FILE_TYPE, 0)), orEmpty(f.string(MetadataSchema.FILE_LOCALE))));
        }
        return out;
    }

    private static Optional<String> text(FlatTable t, int field) {
        String s = t.string(field);
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private static String orEmpty(String s) { return s == null ? "" : s; }
}
