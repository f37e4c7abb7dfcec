package dev.vigil.bench;

/** What `vigil bench` measures; field names are the JSON contract. */
public record BenchResult(String model, int frames, int threads, String delegate, double fps, double e2eMs,
                          double preprocessMs, double invokeMs, double postprocessMs, double invokeP99Ms,
                          double allocBytesPerFrame, double rssMb) {}
