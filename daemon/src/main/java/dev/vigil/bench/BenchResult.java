package dev.vigil.bench;

/**
 * What `vigil bench` measures; field names are the JSON contract.
 *
 * @param e2eMs     wall time per frame through preprocess, inference and postprocess (1000 / fps)
 * @param latencyMs mean time from the start of a frame's preprocessing to the end of its postprocessing
 */
public record BenchResult(String model, int frames, int threads, String delegate, double fps, double e2eMs, double latencyMs,
                          double preprocessMs, double invokeMs, double postprocessMs, double invokeP99Ms,
                          double allocBytesPerFrame, double rssMb) {}
