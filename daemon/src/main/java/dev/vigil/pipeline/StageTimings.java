package dev.vigil.pipeline;

/**
 * How long each stage of one frame took, in nanoseconds, and what the second stage did.
 *
 * @param captureAge   from the read off the source to the start of processing (the latest-wins buffer's wait)
 * @param rules        motion gate excluded: the rule engine's evaluation
 * @param secondStage  the second stage's crops and classifications; 0 when the camera has none
 * @param crops        boxes the second stage classified on this frame
 * @param cropsSkipped boxes of its labels whose crop was smaller than {@link SecondStage#MIN_CROP_PX} on a side
 * @param overLimit    boxes of its labels beyond max_per_frame, not classified
 */
public record StageTimings(long captureAge, long preprocess, long inference, long postprocess, long rules, long secondStage,
                           int crops, int cropsSkipped, int overLimit) {

    public StageTimings(long captureAge, long preprocess, long inference, long postprocess, long rules) {
        this(captureAge, preprocess, inference, postprocess, rules, 0, 0, 0, 0);
    }

    /** Capture to decision. */
    public long total() { return captureAge + preprocess + inference + postprocess + secondStage + rules; }
}
