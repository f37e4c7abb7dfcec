package dev.vigil.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model file ready to load, with its labels when known.
 *
 * @param model  the .tflite file (in the store, the mirror, or where the user pointed)
 * @param labels the label file, if the catalog names one or one lies next to a plain model file
 * @param entry  the catalog entry, when the model was named or its bytes match an entry (then its labels,
 *               input normalization and decoding come along)
 */
public record ResolvedModel(Path model, Optional<Path> labels, Optional<ModelEntry> entry) {

    /** The catalog name, or the file name for a model the catalog does not know. */
    public String displayName() {
        return entry.map(ModelEntry::name).orElse(model.getFileName().toString());
    }
}
