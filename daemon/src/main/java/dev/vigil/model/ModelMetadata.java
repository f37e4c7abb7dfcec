package dev.vigil.model;

import dev.vigil.preprocess.Normalization;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The TFLite Support metadata of a model file: what it is, how to normalize its input, and its label file.
 *
 * <p>A {@code .tflite} file may carry a {@code TFLITE_METADATA} entry (a "M001" flatbuffer inside the model
 * flatbuffer) and, after the model, a ZIP archive with the files that metadata names. {@link #read(Path)} reads
 * both and never throws: a model without metadata, a damaged file or one that cannot be read gives
 * {@link #none(Path)}, where every field is empty.
 *
 * @param model     the file read
 * @param inputs    metadata of the main subgraph's input tensors, in the graph's order
 * @param outputs   metadata of the main subgraph's output tensors, in the graph's order
 * @param files     model- and subgraph-level associated files
 * @param labelFile the label file of the first output that names one ({@code TENSOR_AXIS_LABELS} first,
 *                  then {@code TENSOR_VALUE_LABELS}); of several, the one of the locale read with
 * @param labels    that file's lines, read from the appended ZIP archive; empty when the archive lacks it
 */
public record ModelMetadata(
        Path model,
        Optional<String> name,
        Optional<String> description,
        Optional<String> version,
        Optional<String> author,
        Optional<String> license,
        List<TensorInfo> inputs,
        List<TensorInfo> outputs,
        List<AssociatedFile> files,
        Optional<String> labelFile,
        Optional<List<String>> labels) {

    public ModelMetadata {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        files = List.copyOf(files);
        labels = labels.map(List::copyOf);
    }

    /** The locale whose label file is used when several are packed and none is configured. */
    public static final String DEFAULT_LOCALE = "en";

    /** Reads the metadata of {@code model} with the labels of {@link #DEFAULT_LOCALE}; never throws (see the class comment). */
    public static ModelMetadata read(Path model) {
        return MetadataReader.read(model, DEFAULT_LOCALE);
    }

    /**
     * Reads the metadata of {@code model}; of several label files for one output (machine IDs first, display names by
     * locale after), {@link #labelFile()} is the one of {@code locale} (e.g. {@code en}, {@code de-CH}), else the first.
     */
    public static ModelMetadata read(Path model, String locale) {
        return MetadataReader.read(model, locale);
    }

    /** The metadata of a model that has none. */
    public static ModelMetadata none(Path model) {
        return new ModelMetadata(model, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    /** Whether the model carries any metadata at all. */
    public boolean present() {
        return name.isPresent() || description.isPresent() || version.isPresent() || author.isPresent()
                || license.isPresent() || !inputs.isEmpty() || !outputs.isEmpty() || !files.isEmpty();
    }

    /** The normalization of the first input, when the metadata gives one. */
    public Optional<Normalization> inputNormalization() {
        return inputs.isEmpty() ? Optional.empty() : inputs.getFirst().normalization();
    }

    /** The bytes of an entry of the ZIP archive appended to the model; empty when there is no such entry. */
    public Optional<byte[]> associatedFile(String entry) {
        return AppendedZip.read(model, entry);
    }
}
