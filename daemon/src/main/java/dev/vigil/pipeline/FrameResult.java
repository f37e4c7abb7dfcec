package dev.vigil.pipeline;

import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * The analysis of one frame: what the model saw and what the rules decided, with the time each stage took. Built on
 * the inference thread after the rules, then handed on unchanged: the decision stage reads it at once, the slow
 * consumers (event journal, live view, metrics) take it from their queues later.
 *
 * @param frameTime   wall-clock time of the capture
 * @param sourceRef   the file name, clip position or capture time the frame came from
 * @param model       the model that analysed it
 * @param detections  a detector's detections at or above the lowest group threshold (empty for a classifier)
 * @param top         a classifier's best classes (empty for a detector)
 * @param triggers    the rule groups that fired on this frame
 * @param doneNanos   System.nanoTime() after the rules: the decision time
 */
public record FrameResult(String camera, long sequence, Instant frameTime, String sourceRef, long captureNanos, ModelId model,
                          Analyzer.Kind kind, List<Detection> detections, List<Classification> top, List<Trigger> triggers,
                          StageTimings timings, long doneNanos) implements FrameOutcome {

    /**
     * The lists are handed over, not shared: the analysis builds them fresh for this frame and keeps no reference, so a
     * read-only view makes the value immutable without copying each list again on the inference thread, every frame.
     */
    public FrameResult {
        detections = Collections.unmodifiableList(detections);
        top = Collections.unmodifiableList(top);
        triggers = Collections.unmodifiableList(triggers);
    }

    /** Detections for a detector, else each class as a whole-frame detection (what rules, snapshots and QC judge). */
    public List<Detection> candidates() {
        if (kind == Analyzer.Kind.DETECTOR) return detections;
        return top.stream().map(c -> new Detection(c.label(), c.index(), c.score(), new float[] {0, 0, 1, 1})).toList();
    }
}
