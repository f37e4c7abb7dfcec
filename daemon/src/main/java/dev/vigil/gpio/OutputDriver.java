package dev.vigil.gpio;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays effects on one output: a pulse, a latch, a blink or beep pattern. Every pin write happens on the GPIO thread
 * ({@code gpio}), so effects never race and the caller (the inference thread, an input thread) never waits. A latch
 * wins over pulses and patterns until {@link #release}; a pulse while a pulse runs extends it; a pattern restarts.
 */
public final class OutputDriver {

    /** Who asked: the camera and the capture time of the frame that fired (0 when no frame caused it). */
    public record Cause(String camera, long captureNanos) {
        public static final Cause NONE = new Cause("", 0);
    }

    private enum Mode { OFF, PULSE, PATTERN, LATCH }

    private final GpioPins.OutputPin pin;
    private final ScheduledExecutorService gpio;
    private final AlarmLatency latency;
    private final Consumer<RuntimeException> onError;
    private final TimeSource time;

    // GPIO thread only:
    private volatile Mode mode = Mode.OFF;
    private long offAtNanos;
    private ScheduledFuture<?> next;
    private long switches;

    OutputDriver(GpioPins.OutputPin pin, ScheduledExecutorService gpio, AlarmLatency latency, Consumer<RuntimeException> onError,
                 TimeSource time) {
        this.pin = pin;
        this.gpio = gpio;
        this.latency = latency;
        this.onError = onError;
        this.time = time;
    }

    public String name() { return pin.name(); }

    public GpioPins.OutputPin pin() { return pin; }

    /** On for {@code length}; while a pulse runs, it ends at the later of the two ends. */
    public void pulse(Duration length, Cause cause) {
        run(() -> {
            if (mode == Mode.LATCH) return;
            long end = time.nanoTime() + length.toNanos();
            if (mode == Mode.PULSE && end <= offAtNanos) return;
            cancel();
            if (mode != Mode.PULSE) on(cause);
            mode = Mode.PULSE;
            offAtNanos = end;
            next = gpio.schedule(guarded(this::pulseEnd), end - time.nanoTime(), TimeUnit.NANOSECONDS);
        });
    }

    private void pulseEnd() {
        if (mode != Mode.PULSE) return;
        long left = offAtNanos - time.nanoTime();
        if (left > 0) { // an extension arrived after this task was scheduled
            next = gpio.schedule(guarded(this::pulseEnd), left, TimeUnit.NANOSECONDS);
            return;
        }
        mode = Mode.OFF;
        pin.set(false);
    }

    /** {@code repeats} times on for {@code on}, off for {@code off}; restarts a running pattern. */
    public void pattern(Duration on, Duration off, int repeats, Cause cause) {
        run(() -> {
            if (mode == Mode.LATCH || mode == Mode.PULSE) return;
            cancel();
            mode = Mode.PATTERN;
            step(on.toNanos(), off.toNanos(), repeats, true, cause);
        });
    }

    private void step(long onNanos, long offNanos, int left, boolean turnOn, Cause cause) {
        if (mode != Mode.PATTERN) return;
        if (turnOn) {
            on(cause);
            next = gpio.schedule(guarded(() -> step(onNanos, offNanos, left, false, Cause.NONE)), onNanos, TimeUnit.NANOSECONDS);
        } else {
            pin.set(false);
            if (left <= 1) {
                mode = Mode.OFF;
                return;
            }
            next = gpio.schedule(guarded(() -> step(onNanos, offNanos, left - 1, true, Cause.NONE)), offNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** On until {@link #release}. */
    public void latch(Cause cause) {
        run(() -> {
            cancel();
            if (mode != Mode.LATCH && !pin.active()) on(cause);
            else pin.set(true);
            mode = Mode.LATCH;
        });
    }

    /** Off now, whatever runs (disarm, reset). */
    public void release() {
        run(() -> {
            cancel();
            mode = Mode.OFF;
            pin.set(false);
        });
    }

    public boolean latched() {
        return mode == Mode.LATCH;
    }

    /** How many times an effect switched this output on. */
    public long switches() { return switches; }

    private void on(Cause cause) {
        boolean wasOn = pin.active();
        pin.set(true);
        long now = time.nanoTime();
        if (!wasOn) {
            switches++;
            if (cause.captureNanos() > 0) latency.record(cause.camera(), pin.name(), now - cause.captureNanos());
        }
    }

    private void cancel() {
        if (next != null) next.cancel(false);
        next = null;
    }

    /** Runs on the GPIO thread: inline when already there (a scheduled QC push), else queued. */
    private void run(Runnable r) {
        if (GpioThread.isCurrent()) guarded(r).run();
        else {
            try {
                gpio.execute(guarded(r));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: outputs are being made safe
            }
        }
    }

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the stage is closing: its timers are gone and every output goes safe
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        };
    }
}
