package dev.vigil.learn;

import java.time.Instant;
import java.util.Map;

/**
 * A model {@code vigil learn} made: the head, the extractor it sits on, and where it came from.
 *
 * @param extractor  the base model, by catalog name, file and the sha256 of its exact bytes
 * @param roi        the region of the frame the embeddings were taken of, or null for the whole frame
 * @param datasetId  a hash of the examples' keys and labels (see {@link Learner}), with {@code datasetSource} where they were read
 * @param validation accuracy of each head on the validation split, by kind ("imprinting", "softmax"), and "examples" its size
 */
public record LearnedModel(String name, Head head, Extractor extractor, Roi roi, String datasetId, String datasetSource,
                           Instant trained, Map<String, Double> validation) {

    public LearnedModel {
        validation = Map.copyOf(validation);
    }

    /** @param path where the file was when the model was learned, tried after the learned model's folder and the store */
    public record Extractor(String name, String file, String sha256, String path) {}
}
