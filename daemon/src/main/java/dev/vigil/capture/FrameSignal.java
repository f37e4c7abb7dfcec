package dev.vigil.capture;

import java.time.Duration;

/**
 * Wakes one consumer that serves several cameras: every camera sharing the signal bumps its version when it publishes a
 * frame or changes state. The consumer reads {@link #version()}, polls its cameras, and if none had anything waits for
 * a version other than the one it read, so a frame published between the poll and the wait is never missed and nothing
 * busy-waits.
 */
public final class FrameSignal {

    private long version;

    public synchronized long version() {
        return version;
    }

    /** Wakes the consumer (a camera published a frame or changed state; the daemon is stopping). */
    public synchronized void signal() {
        version++;
        notifyAll();
    }

    /**
     * Waits until the version differs from {@code seen} or the timeout passes.
     *
     * @return true if something changed
     */
    public synchronized boolean await(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (version == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
    }
}
