package dev.vigil.testing;

import dev.vigil.time.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Time that moves only when the test says so. Its schedulers run no thread: {@link #advance} runs every task that falls
 * due, in time order (ties in the order they were scheduled), on the calling thread, with {@link #nanoTime()} set to
 * the task's due time; tasks scheduled by tasks run in the same call when they fall due within it. A task submitted
 * with no delay runs at the next {@link #advance} or {@link #runDue}, as it would on a real timer thread.
 *
 * <p>Real threads (capture) wait in {@link #parkUntil} and are woken as time passes their deadline; a test first waits
 * for them to park ({@link #awaitParked}) so that their deadline is known before it moves time.
 */
public final class VirtualTime implements TimeSource {

    /** The monotonic count at the start: far from 0, which some components read as "never". */
    public static final long START_NANOS = 1_000_000_000_000L;
    /** The wall clock at the start. */
    public static final Instant START = Instant.parse("2026-11-21T08:00:00Z");

    private static final Duration PARK_TIMEOUT = Duration.ofSeconds(20);

    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>(); // guarded by this
    private final Map<Thread, Long> parked = new HashMap<>();            // guarded by this
    private long now = START_NANOS;                                     // guarded by this
    private long sequence;                                              // guarded by this
    private Thread advancing;                                           // guarded by this
    private final Clock clock = new VirtualClock(ZoneOffset.UTC);

    @Override
    public Clock clock() { return clock; }

    @Override
    public synchronized long nanoTime() { return now; }

    /** The wall clock now (the same instant {@code clock().instant()} gives). */
    public Instant instant() { return clock.instant(); }

    /** Time advanced since the start. */
    public Duration elapsed() { return Duration.ofNanos(nanoTime() - START_NANOS); }

    /** The thread factory is not used: tasks run on the thread that calls {@link #advance}. */
    @Override
    public ScheduledExecutorService scheduler(ThreadFactory threads) { return new Scheduler(); }

    /** A scheduler for a test's own use. */
    public ScheduledExecutorService scheduler() { return new Scheduler(); }

    @Override
    public void parkUntil(long deadlineNanos, BooleanSupplier stop) {
        Thread me = Thread.currentThread();
        synchronized (this) {
            parked.put(me, deadlineNanos);
            notifyAll();
        }
        try {
            // advance() unparks after moving time; a permit given before park() makes it return at once.
            while (!stop.getAsBoolean() && nanoTime() < deadlineNanos) LockSupport.park(this);
        } finally {
            synchronized (this) {
                parked.remove(me);
                notifyAll();
            }
        }
    }

    /**
     * Waits (in real time, up to 20 s) until {@code threads} threads wait in {@link #parkUntil} for a time still ahead
     * (one whose deadline has passed is on its way out); returns how far each is from its deadline, shortest first.
     */
    public synchronized List<Duration> awaitParked(int threads) throws InterruptedException {
        long end = System.nanoTime() + PARK_TIMEOUT.toNanos();
        List<Duration> ahead;
        while ((ahead = parked.values().stream().filter(d -> d > now).sorted().map(d -> Duration.ofNanos(d - now)).toList()).size() < threads) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("timed out: " + ahead.size() + " of " + threads + " threads parked on virtual time");
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return ahead;
    }

    /** Runs the tasks due now (those submitted without delay), without moving time. */
    public void runDue() { advance(Duration.ZERO); }

    /** Moves time forward by {@code d}, running every task that falls due on the way; see the class comment. */
    public void advance(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("time only moves forward: " + d);
        long target;
        synchronized (this) {
            if (advancing != null) throw new IllegalStateException("advance() called from a task, or from two threads at once");
            advancing = Thread.currentThread();
            target = now + d.toNanos();
        }
        try {
            for (;;) {
                Task<?> t;
                synchronized (this) {
                    t = queue.peek();
                    if (t == null || t.due > target) {
                        now = target;
                        break;
                    }
                    queue.poll();
                    now = t.due;
                }
                wakeParked();
                t.run();
            }
            wakeParked();
        } finally {
            synchronized (this) {
                advancing = null;
            }
        }
    }

    /** Tasks waiting to run, over every scheduler. */
    public synchronized int pending() { return queue.size(); }

    private void wakeParked() {
        List<Thread> wake = new ArrayList<>();
        synchronized (this) {
            parked.forEach((thread, deadline) -> {
                if (deadline <= now) wake.add(thread);
            });
        }
        wake.forEach(LockSupport::unpark);
    }

    private final class VirtualClock extends Clock {
        private final ZoneId zone;

        VirtualClock(ZoneId zone) { this.zone = zone; }

        @Override public ZoneId getZone() { return zone; }

        @Override public Clock withZone(ZoneId z) { return new VirtualClock(z); }

        @Override public Instant instant() { return START.plusNanos(nanoTime() - START_NANOS); }
    }

    /** One component's view: its own shutdown, the shared queue and time. */
    private final class Scheduler extends AbstractExecutorService implements ScheduledExecutorService {
        private volatile boolean shutdown;

        private <V> Task<V> add(Callable<V> c, long delay, TimeUnit unit, long period) {
            if (shutdown) throw new RejectedExecutionException("scheduler shut down");
            synchronized (VirtualTime.this) {
                Task<V> t = new Task<>(this, c, now + Math.max(0, unit.toNanos(delay)), period, sequence++);
                queue.add(t);
                return t;
            }
        }

        @Override
        public void execute(Runnable r) { add(Executors.callable(r), 0, TimeUnit.NANOSECONDS, 0); }

        @Override
        public ScheduledFuture<?> schedule(Runnable r, long delay, TimeUnit unit) {
            return add(Executors.callable(r), delay, unit, 0);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> c, long delay, TimeUnit unit) { return add(c, delay, unit, 0); }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable r, long initialDelay, long period, TimeUnit unit) {
            if (period <= 0) throw new IllegalArgumentException("period " + period);
            return add(Executors.callable(r), initialDelay, unit, unit.toNanos(period));
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable r, long initialDelay, long delay, TimeUnit unit) {
            if (delay <= 0) throw new IllegalArgumentException("delay " + delay);
            return add(Executors.callable(r), initialDelay, unit, -unit.toNanos(delay));
        }

        /** As a ScheduledThreadPoolExecutor that runs no delayed task after shutdown. */
        @Override
        public void shutdown() { shutdownNow(); }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            List<Runnable> left = new ArrayList<>();
            synchronized (VirtualTime.this) {
                queue.removeIf(t -> t.owner == this && left.add(t));
            }
            left.forEach(r -> ((Task<?>) r).cancel(false));
            return left;
        }

        @Override public boolean isShutdown() { return shutdown; }

        @Override public boolean isTerminated() { return shutdown; }

        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return shutdown; }
    }

    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        final Scheduler owner;
        final long period; // 0: once; > 0: fixed rate; < 0: fixed delay
        final long seq;
        long due;          // guarded by VirtualTime.this while queued

        Task(Scheduler owner, Callable<V> c, long due, long period, long seq) {
            super(c);
            this.owner = owner;
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        @Override public boolean isPeriodic() { return period != 0; }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (VirtualTime.this) {
                return unit.convert(due - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed o) {
            if (o instanceof Task<?> t) {
                int c = Long.compare(due, t.due);
                return c != 0 ? c : Long.compare(seq, t.seq);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
            } else if (super.runAndReset() && !owner.shutdown) {
                synchronized (VirtualTime.this) {
                    due = period > 0 ? due + period : now - period;
                    queue.add(this);
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                synchronized (VirtualTime.this) {
                    queue.remove(this);
                }
            }
            return cancelled;
        }
    }
}
