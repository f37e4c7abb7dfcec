package dev.vigil.postprocess;

import dev.vigil.inference.InferenceEngine;

/** Turns a detector's output tensors into {@link Detections}; implementations allocate nothing per call. */
public interface DetectionDecoder {

    /** Clears {@code out} and fills it with the detections scoring at least {@code minScore}, best first. */
    void decode(InferenceEngine engine, Detections out, float minScore);
}
