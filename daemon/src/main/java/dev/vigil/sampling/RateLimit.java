package dev.vigil.sampling;

import dev.vigil.config.SamplingConfig;
import java.util.ArrayDeque;

/**
 * At most so many per hour and per day, in rolling windows on a monotonic clock: a sample taken at t counts against
 * every window until t + 1 h (resp. t + 24 h), to the nanosecond. Not thread-safe: the sampler holds its lock.
 */
final class RateLimit {

    static final long HOUR = 3_600_000_000_000L;
    static final long DAY = 24 * HOUR;

    private final SamplingConfig.Limit limit;
    private final ArrayDeque<Long> taken = new ArrayDeque<>(); // nanos of each sample of the last day, oldest first

    RateLimit(SamplingConfig.Limit limit) {
        this.limit = limit;
    }

    /** Whether one more may be taken at {@code now}. */
    boolean allows(long now) {
        while (!taken.isEmpty() && now - taken.peekFirst() >= DAY) taken.pollFirst();
        if (taken.size() >= limit.perDay()) return false;
        int inHour = 0;
        for (var it = taken.descendingIterator(); it.hasNext() && now - it.next() < HOUR; ) inHour++;
        return inHour < limit.perHour();
    }

    void take(long now) { taken.addLast(now); }
}
