package dev.vigil.time;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * Where a component gets its time: the wall clock for timestamps, a monotonic nanosecond count for intervals, its
 * timer threads and its waits. Production uses {@link #system()}; tests pass a virtual one whose time moves only when
 * the test advances it, so a 300 ms pulse lasts exactly 300 ms and the test takes microseconds.
 *
 * <p>Every interval a component measures or waits for must come from the same source: a frame's capture nanos, a GPIO
 * edge's nanos and the heartbeat's clock are compared with each other.
 */
public interface TimeSource {

    /** The wall clock (UTC): event times, status, logs. */
    Clock clock();

    /** A monotonic count of nanoseconds, comparable only with itself (as {@link System#nanoTime()}). */
    long nanoTime();

    /**
     * A scheduler of one thread for a component's timers. Real time starts the thread from {@code threads}; virtual time
     * makes none and runs the tasks on the thread that advances time. Cancelled tasks are removed at once; tasks still
     * delayed at shutdown never run.
     */
    ScheduledExecutorService scheduler(ThreadFactory threads);

    /**
     * Blocks the calling thread until {@link #nanoTime()} reaches {@code deadlineNanos} or {@code stop} holds. Wakes up
     * for {@link java.util.concurrent.locks.LockSupport#unpark} too (then rechecks {@code stop}), so a thread closing a
     * component unparks its waiting thread instead of interrupting it.
     */
    void parkUntil(long deadlineNanos, BooleanSupplier stop);

    /** The machine's clocks and real threads. */
    static TimeSource system() {
        return SystemTime.INSTANCE;
    }
}
