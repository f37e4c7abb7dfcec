package dev.vigil.config;

import java.util.Set;

/**
 * A camera's second stage: a classifier that names what the detector boxed ({@code cameras.NAME.second_stage}).
 *
 * @param model       a model name the model store resolves (a catalog classifier, a learned one) or a file
 * @param labels      the detector's labels whose boxes are classified, e.g. [bird, dog]
 * @param margin      each box is enlarged by this fraction of its width and height on every side before the crop
 *                    (a classifier trained on whole animals sees more than the tight box); clamped to the frame
 * @param maxPerFrame at most this many boxes per frame are classified, the highest-scoring first: the cost of a frame
 *                    stays bounded however crowded the scene
 * @param minScore    a classification below this gives no sub-label
 */
public record SecondStageConfig(String model, Set<String> labels, float margin, int maxPerFrame, float minScore) {

    public static final float DEFAULT_MARGIN = 0.1f;
    public static final int DEFAULT_MAX_PER_FRAME = 5;
    public static final float DEFAULT_MIN_SCORE = 0.1f;

    public SecondStageConfig {
        if (model == null || model.isBlank()) throw ConfigException.at("model", "missing; give a classifier's name, e.g. mobilenet_v2_quant");
        if (labels == null || labels.isEmpty()) throw ConfigException.at("labels", "is empty; give the detector's labels whose boxes are classified, e.g. [bird, dog]");
        labels = Set.copyOf(labels);
        Check.within("margin", margin, 0, 1);
        Check.within("max_per_frame", maxPerFrame, 1, 100);
        Check.score("min_score", minScore);
    }
}
