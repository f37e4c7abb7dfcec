package dev.vigil.time;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** {@link TimeSource#system()}: the UTC clock, {@link System#nanoTime()}, platform threads. */
final class SystemTime implements TimeSource {

    static final SystemTime INSTANCE = new SystemTime();

    private final Clock clock = Clock.systemUTC();

    private SystemTime() {}

    @Override
    public Clock clock() { return clock; }

    @Override
    public long nanoTime() { return System.nanoTime(); }

    @Override
    public ScheduledExecutorService scheduler(ThreadFactory threads) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, threads);
        ex.setRemoveOnCancelPolicy(true);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return ex;
    }

    @Override
    public void parkUntil(long deadlineNanos, BooleanSupplier stop) {
        for (long left; !stop.getAsBoolean() && (left = deadlineNanos - System.nanoTime()) > 0; ) LockSupport.parkNanos(this, left);
    }

    @Override
    public String toString() { return "system time"; }
}
