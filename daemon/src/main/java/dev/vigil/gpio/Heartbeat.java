package dev.vigil.gpio;

import dev.vigil.health.Health;
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
    private boolean beating; // GPIO thread only
    private volatile long toggles;

    Heartbeat(GpioPins.OutputPin pin, Duration period, Duration stale) {
        this.pin = pin;
        this.periodNanos = period.toNanos();
        this.staleNanos = stale.toNanos();
    }

    /** Toggles on the pin thread every period, reading the health model's frame-flow and inference figures. */
    void start(Health health, ScheduledExecutorService gpio, Consumer<RuntimeException> onError) {
        gpio.scheduleAtFixedRate(() -> {
            try {
                tick(health.now(), health.lastFlowNanos(), health.lastSuccessNanos(), health.lastFailureNanos());
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * @param seen    the newest frame through the inference loop (inferred or gated), 0 before the first
     * @param ok      the newest successful inference
     * @param failure the newest failed frame
     */
    void tick(long now, long seen, long ok, long failure) {
        boolean alive = seen != 0 && now - seen <= staleNanos && ok >= failure;
        if (alive) {
            if (!beating) log.info("heartbeat: beating on BCM {} (frames flow, inference succeeds)", pin.bcm());
            beating = true;
            pin.set(!pin.active());
            toggles++;
        } else if (beating) {
            beating = false;
            pin.set(false);
            log.warn("heartbeat: stopped on BCM {}: {}", pin.bcm(), ok < failure ? "inference failed"
                    : "no frame for " + (now - seen) / 1_000_000 + " ms");
        }
    }

    /** Off now (shutdown, errors); never throws. */
    void safe() { pin.safe(); }

    long toggles() { return toggles; }

    boolean beating() { return beating; }

    String output() { return pin.name(); }
}
