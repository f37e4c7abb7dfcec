package dev.vigil.model;

import dev.vigil.preprocess.Normalization;
import java.util.List;
import java.util.Optional;

/**
 * What a model's metadata says about one input or output tensor.
 *
 * @param name          the metadata's name for the tensor ("" when absent; may differ from the graph's name)
 * @param description   "" when absent
 * @param normalization the first NormalizationOptions process unit, if any
 * @param files         associated files, e.g. the label file of a classifier's output
 */
public record TensorInfo(String name, String description, Optional<Normalization> normalization, List<AssociatedFile> files) {

    public TensorInfo {
        files = List.copyOf(files);
    }
}
