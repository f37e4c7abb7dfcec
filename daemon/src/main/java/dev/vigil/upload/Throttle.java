package dev.vigil.upload;

import dev.vigil.time.TimeSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * A token bucket on the bytes the upload sends: {@code rate} bytes a second, at most one second's worth saved up.
 * The SDK reads a request's body through {@link #wrap}, so what goes onto the wire (less the headers) keeps to the
 * rate however the SDK splits it; a Pi on a shared uplink must not starve the cameras' streams.
 */
public final class Throttle {

    private static final long NANOS = 1_000_000_000L;

    private final long rate;
    private final TimeSource time;
    private final BooleanSupplier stop;
    private long tokens;      // bytes that may go now
    private long last;        // nanoTime of the last refill
    private long remainder;   // byte-nanoseconds short of the next whole byte, so no time is lost to rounding
    private volatile Thread waiting;

    /** {@code rate} 0: no limit. {@code stop}: a waiting read gives up (InterruptedIOException) once it holds. */
    public Throttle(long rate, TimeSource time, BooleanSupplier stop) {
        this.rate = rate;
        this.time = time;
        this.stop = stop;
        this.tokens = rate;
        this.last = time.nanoTime();
    }

    public long rate() { return rate; }

    /** Waits until {@code n} bytes may go, and takes them. */
    public synchronized void take(long n) throws InterruptedIOException {
        if (rate <= 0) return;
        while (n > 0) {
            refill();
            long now = Math.min(n, tokens);
            tokens -= now;
            n -= now;
            if (n == 0) return;
            long want = Math.min(n, rate);
            long wait = ceilDiv(want * NANOS - remainder, rate);
            waiting = Thread.currentThread();
            try {
                time.parkUntil(last + wait, stop);
            } finally {
                waiting = null;
            }
            if (stop.getAsBoolean()) throw new InterruptedIOException("upload stopped");
        }
    }

    /** Wakes a read waiting for bytes, to see {@code stop} (a closing uploader), as {@link TimeSource#parkUntil} asks. */
    public void wake() {
        Thread t = waiting;
        if (t != null) java.util.concurrent.locks.LockSupport.unpark(t);
    }

    private void refill() {
        long t = time.nanoTime();
        long earned = Math.min(t - last, NANOS) * rate + remainder; // byte-nanoseconds; a full bucket holds one second
        last = t;
        long whole = earned / NANOS;
        remainder = earned % NANOS;
        tokens = Math.min(rate, tokens + whole);
        if (tokens == rate) remainder = 0;
    }

    private static long ceilDiv(long a, long b) { return a <= 0 ? 0 : (a + b - 1) / b; }

    /** The stream, read no faster than the rate. */
    public InputStream wrap(InputStream in) {
        if (rate <= 0) return in;
        return new FilterInputStream(in) {
            @Override public int read() throws IOException {
                take(1);
                return super.read();
            }

            @Override public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, (int) Math.min(len, Math.max(1, Math.min(rate / 8, 16384))));
                if (n > 0) take(n);
                return n;
            }
        };
    }
}
