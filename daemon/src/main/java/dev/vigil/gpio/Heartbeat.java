package dev.vigil.gpio;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog output: toggles every {@code period} while frames flow through the inference loop (processed, or skipped
 * by a gate: the loop is alive, there is just nothing to infer) no longer ago than {@code stale}, and no inference failed
 * since the last success; otherwise it rests off, so an external watchdog relay drops when the daemon hangs, its
 * cameras stall or inference keeps failing (and when the process dies: its pin goes safe or floats). With {@code stale}
 * equal to the period (the default) it stops at most two periods after the last frame.
 */
final class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final GpioPins.OutputPin pin;
    private final long periodNanos, staleNanos;
    private volatile long lastFrame, lastSuccess, lastFailure;
    private boolean beating; // GPIO thread only
    private volatile long toggles;

    Heartbeat(GpioPins.OutputPin pin, Duration period, Duration stale) {
        this.pin = pin;
        this.periodNanos = period.toNanos();
        this.staleNanos = stale.toNanos();
    }

    void start(ScheduledExecutorService gpio, Consumer<RuntimeException> onError, TimeSource time) {
        gpio.scheduleAtFixedRate(() -> {
            try {
                tick(time.nanoTime());
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** An inference succeeded at {@code nanos} (the stage's {@link TimeSource#nanoTime()}). */
    void success(long nanos) {
        lastSuccess = nanos;
        lastFrame = nanos;
    }

    /** A frame went through the loop without inference (a gate skipped it). */
    void alive(long nanos) { lastFrame = nanos; }

    /** An inference failed. */
    void failure(long nanos) { lastFailure = nanos; }

    void tick(long now) {
        long ok = lastSuccess, seen = lastFrame;
        boolean alive = seen != 0 && now - seen <= staleNanos && ok >= lastFailure;
        if (alive) {
            if (!beating) log.info("heartbeat: beating on BCM {} (frames flow, inference succeeds)", pin.bcm());
            beating = true;
            pin.set(!pin.active());
            toggles++;
        } else if (beating) {
            beating = false;
            pin.set(false);
            log.warn("heartbeat: stopped on BCM {}: {}", pin.bcm(), ok < lastFailure ? "inference failed"
                    : "no frame for " + (now - seen) / 1_000_000 + " ms");
        }
    }

    /** Off now (shutdown, errors); never throws. */
    void safe() { pin.safe(); }

    long toggles() { return toggles; }

    boolean beating() { return beating; }

    String output() { return pin.name(); }
}
