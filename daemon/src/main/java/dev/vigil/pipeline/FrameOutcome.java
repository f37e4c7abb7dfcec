package dev.vigil.pipeline;

/**
 * What became of one frame on the inference thread: analysed ({@link FrameResult}), skipped before inference
 * ({@link Skipped}: nothing moved, or a gate such as a PIR or a QC trigger said wait), or failed in a stage
 * ({@link Failed}). Immutable: consumers on other threads receive it from bounded queues.
 */
public sealed interface FrameOutcome permits FrameResult, FrameOutcome.Skipped, FrameOutcome.Failed {

    String camera();

    /** The frame's capture sequence number (1, 2, 3, ... per camera). */
    long sequence();

    /** System.nanoTime() when the frame was read off its source. */
    long captureNanos();

    /** System.nanoTime() when the inference thread was done with the frame. */
    long doneNanos();

    /** @param reason "motion" (nothing moved) or a gate's reason ("wake", "trigger") */
    record Skipped(String camera, long sequence, long captureNanos, long doneNanos, String reason) implements FrameOutcome {}

    /** @param stage "gate", "motion", "preprocess", "inference", "postprocess", "second_stage" or "rules"; {@code error} one line */
    record Failed(String camera, long sequence, long captureNanos, long doneNanos, String stage, String error) implements FrameOutcome {}
}
