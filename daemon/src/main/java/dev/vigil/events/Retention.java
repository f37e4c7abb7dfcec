package dev.vigil.events;

import java.time.Duration;

/**
 * How much of the event record to keep; the oldest events go first when any limit is passed.
 *
 * @param maxCount events kept, 0 = no limit
 * @param maxBytes bytes of events.jsonl plus snapshots, 0 = no limit
 * @param maxAge   events older than this are removed, null or zero = no limit
 */
public record Retention(int maxCount, long maxBytes, Duration maxAge) {

    public static final Retention UNLIMITED = new Retention(0, 0, null);

    public Retention {
        if (maxCount < 0) throw new IllegalArgumentException("events.retention.max_count: " + maxCount + " is negative; use 0 (no limit) or more");
        if (maxBytes < 0) throw new IllegalArgumentException("events.retention.max_bytes: " + maxBytes + " is negative; use 0 (no limit) or more");
        if (maxAge != null && maxAge.isNegative())
            throw new IllegalArgumentException("events.retention.max_age: " + maxAge + " is negative; use 0 (no limit) or more");
    }

    boolean limitsAge() { return maxAge != null && !maxAge.isZero(); }
}
