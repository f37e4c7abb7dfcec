package dev.vigil.gpio;

import dev.vigil.config.GpioConfig;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An input whose changes count once they have held for the debounce time: a bouncing contact or a flickering light
 * barrier gives one edge. The edge carries the time of the first raw change, so timing measured from it (a QC push)
 * does not move by the debounce time.
 */
final class DebouncedInput {

    /** A debounced change: active or not, at the nanos of its raw edge (the pins' time source). */
    @FunctionalInterface
    interface EdgeListener {
        void edge(boolean active, long edgeNanos);
    }

    private final GpioConfig.Input config;
    private final GpioPins.InputPin pin;
    private final ScheduledExecutorService gpio;
    private final long debounceNanos;
    private final EdgeListener listener;

    private boolean stable;           // guarded by this
    private boolean pending;          // a change waiting for its debounce time
    private long pendingSince;
    private ScheduledFuture<?> confirm;
    private volatile long lastFallNanos;
    private volatile long edges;

    DebouncedInput(GpioConfig.Input config, GpioPins.InputPin pin, ScheduledExecutorService gpio, EdgeListener listener) {
        this.config = config;
        this.pin = pin;
        this.gpio = gpio;
        this.debounceNanos = config.debounce().toNanos();
        this.listener = listener;
        this.stable = pin.active();
        pin.onChange(this::raw);
    }

    GpioConfig.Input config() { return config; }

    synchronized boolean active() { return stable; }

    /** Nanos of the last debounced change to inactive; 0 before the first. */
    long lastFallNanos() { return lastFallNanos; }

    long edges() { return edges; }

    private void raw(boolean active, long nanos) {
        long edgeAt = -1;
        boolean edgeTo = false;
        synchronized (this) {
            if (active == stable) {
                if (!pending) return;
                pending = false;
                if (confirm != null) confirm.cancel(false);
                if (nanos - pendingSince < debounceNanos) return; // bounced back before the debounce time: nothing happened
                // The change held for the debounce time, by the edges' own times, but its confirmation has not run yet
                // (a busy machine: 40 ms late on a loaded 2-core box, and a 40 ms light-barrier pulse was lost): it
                // happened. This edge, back, is then a change of its own.
                commit(!active, pendingSince);
                edgeAt = pendingSince;
                edgeTo = !active;
            } else if (pending) {
                return; // still bouncing towards the same level: keep the first edge's time
            }
            if (edgeAt < 0 && debounceNanos == 0) {
                commit(active, nanos);
                edgeAt = nanos;
                edgeTo = active;
            } else {
                pending = true;
                pendingSince = nanos;
                long since = nanos;
                confirm = gpio.schedule(() -> confirm(since), debounceNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (edgeAt >= 0) listener.edge(edgeTo, edgeAt);
    }

    /** The debounce time of the change at {@code since} is over (a confirmation of an older change does nothing). */
    private void confirm(long since) {
        boolean level;
        synchronized (this) {
            if (!pending || pendingSince != since) return;
            pending = false;
            level = pin.active();
            if (level == stable) return; // it went back and the change got lost between reads: nothing happened
            commit(level, since);
        }
        listener.edge(level, since);
    }

    private void commit(boolean active, long nanos) {
        stable = active;
        edges++;
        if (!active) lastFallNanos = nanos;
    }
}
