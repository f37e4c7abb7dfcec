package dev.vigil.capture;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: base, 2 base, 4 base, ... capped at max, each shortened by a random 0..25% so that cameras which
 * failed together (a switch rebooted) do not all reconnect in the same millisecond.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        if (base.isNegative() || base.isZero()) throw new IllegalArgumentException("backoff base must be positive: " + base);
        if (max.compareTo(base) < 0) throw new IllegalArgumentException("backoff max " + max + " is below base " + base);
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt; each call doubles the next one up to max. */
    public Duration next() {
        long d = baseNanos;
        for (int i = 0; i < failures && d < maxNanos; i++) d *= 2;
        d = Math.min(d, maxNanos);
        failures++;
        return Duration.ofNanos(d - (long) (d * 0.25 * random.nextDouble()));
    }

    /** A connection that delivered frames starts the sequence over. */
    public void reset() {
        failures = 0;
    }
}
