package dev.vigil.pipeline;

/**
 * How long each stage of one frame took, in nanoseconds.
 *
 * @param captureAge  from the read off the source to the start of processing (the latest-wins buffer's wait)
 * @param rules       motion gate excluded: the rule engine's evaluation
 */
public record StageTimings(long captureAge, long preprocess, long inference, long postprocess, long rules) {

    /** Capture to decision. */
    public long total() { return captureAge + preprocess + inference + postprocess + rules; }
}
