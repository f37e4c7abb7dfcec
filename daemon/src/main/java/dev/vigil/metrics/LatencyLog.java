package dev.vigil.metrics;

import java.util.Arrays;

/**
 * The last N latencies in a ring allocated once (recording allocates nothing), with exact percentiles on demand: what
 * benchmarks and tests report (the GPIO alarm latency, QC push error, the pipeline bench), where the metrics'
 * histograms only give buckets.
 */
public final class LatencyLog {

    private final long[] ring;
    private long count;

    public LatencyLog(int capacity) { ring = new long[capacity]; }

    public synchronized void record(long nanos) { ring[(int) (count++ % ring.length)] = nanos; }

    public synchronized void clear() { count = 0; }

    public synchronized long count() { return count; }

    /** The q-quantile (0..1) of the recorded window in milliseconds; NaN when empty. */
    public synchronized double percentileMs(double q) {
        int n = (int) Math.min(count, ring.length);
        if (n == 0) return Double.NaN;
        long[] copy = Arrays.copyOf(ring, n);
        Arrays.sort(copy);
        int rank = Math.clamp((long) Math.ceil(q * n) - 1, 0, n - 1); // nearest-rank percentile
        return copy[rank] / 1e6;
    }
}
