package dev.vigil.config;

import dev.vigil.events.Retention;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where events go and how long they stay ({@code events: {dir, retention: {max_count, max_bytes, max_age}}}).
 * When any limit is passed, the oldest events are removed first.
 */
public record EventsConfig(Path dir, Retention retention) {

    /** Sized for an SD card: a snapshot is some 50-200 kB, so 1 GiB holds several thousand. */
    public static final Retention DEFAULT_RETENTION = new Retention(10_000, 1L << 30, Duration.ofDays(30));

    /**
     * The config sets every limit ({@link Retention} alone also knows 0 = no limit, which a config never means): an
     * SD card that fills up stops the recording. Checked before {@link Retention} is built, so its own message (for
     * negatives) never reaches a config user.
     */
    public EventsConfig(Path dir, int maxCount, long maxBytes, Duration maxAge) {
        this(dir, limits(maxCount, maxBytes, maxAge));
    }

    public EventsConfig {
        if (dir == null) throw ConfigException.at("dir", "missing; give a folder");
        limits(retention.maxCount(), retention.maxBytes(), retention.maxAge());
    }

    private static Retention limits(int maxCount, long maxBytes, Duration maxAge) {
        Check.atLeast("retention.max_count", maxCount, 1);
        Check.atLeast("retention.max_bytes", maxBytes, 1);
        if (maxAge == null || !maxAge.isPositive()) throw ConfigException.at("retention.max_age", "must be above 0");
        return new Retention(maxCount, maxBytes, maxAge);
    }
}
