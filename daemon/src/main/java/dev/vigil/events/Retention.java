package dev.vigil.events;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
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
        Check.atLeast("max_count", maxCount, 0);
        Check.atLeast("max_bytes", maxBytes, 0);
        if (maxAge != null && maxAge.isNegative()) throw ConfigException.at("max_age", maxAge + " is negative; use 0 (no limit) or more");
    }

    boolean limitsAge() { return maxAge != null && !maxAge.isZero(); }
}
