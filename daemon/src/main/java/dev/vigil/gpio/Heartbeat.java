package dev.vigil.gpio;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog output: toggles every {@code period} while the newest successful inference is younger than
 * {@code stale} and no inference failed since; otherwise it rests off, so an external watchdog relay drops when the
 * daemon hangs, its cameras stall or inference keeps failing (and when the process dies: its pin goes safe or floats).
 */
final class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final GpioPins.OutputPin pin;
    private final long periodNanos, staleNanos;
    private volatile long lastSuccess, lastFailure;
    private boolean beating; // GPIO thread only
    private volatile long toggles;

    Heartbeat(GpioPins.OutputPin pin, Duration period, Duration stale) {
        this.pin = pin;
        this.periodNanos = period.toNanos();
        this.staleNanos = stale.toNanos();
    }

    void start(ScheduledExecutorService gpio, Consumer<RuntimeException> onError) {
        gpio.scheduleAtFixedRate(() -> {
            try {
                tick(System.nanoTime());
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** An inference succeeded at {@code nanos} (System.nanoTime()). */
    void success(long nanos) { lastSuccess = nanos; }

    /** An inference failed. */
    void failure(long nanos) { lastFailure = nanos; }

    void tick(long now) {
        long ok = lastSuccess;
        boolean alive = ok != 0 && now - ok <= staleNanos && ok >= lastFailure;
        if (alive) {
            if (!beating) log.info("heartbeat: beating on BCM {} (frames flow, inference succeeds)", pin.bcm());
            beating = true;
            pin.set(!pin.active());
            toggles++;
        } else if (beating) {
            beating = false;
            pin.set(false);
            log.warn("heartbeat: stopped on BCM {}: {}", pin.bcm(), ok == 0 ? "no inference yet"
                    : ok < lastFailure ? "inference failed" : "no successful inference for " + (now - ok) / 1_000_000 + " ms");
        }
    }

    /** Off now (shutdown, errors); never throws. */
    void safe() { pin.safe(); }

    long toggles() { return toggles; }

    boolean beating() { return beating; }

    String output() { return pin.name(); }
}
