package dev.vigil.swap;

import java.util.Arrays;

/** The last few invoke times of the live model, for its median; written on the inference thread only. */
final class InvokeWindow {

    private final long[] nanos;
    private final long[] sorted;
    private int next, count;

    InvokeWindow(int size) {
        nanos = new long[size];
        sorted = new long[size];
    }

    void add(long n) {
        nanos[next] = n;
        next = (next + 1) % nanos.length;
        count = Math.min(nanos.length, count + 1);
    }

    int count() { return count; }

    /** NaN when empty. */
    double median() {
        if (count == 0) return Double.NaN;
        System.arraycopy(nanos, 0, sorted, 0, count);
        Arrays.sort(sorted, 0, count);
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
    }

    void clear() {
        count = 0;
        next = 0;
    }
}
