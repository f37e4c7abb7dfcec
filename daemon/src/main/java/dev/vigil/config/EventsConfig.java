package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where events go and how long they stay ({@code events: {dir, retention: {max_count, max_bytes, max_age}}}).
 * When any limit is passed, the oldest events are removed first.
 */
public record EventsConfig(Path dir, Retention retention) {

    /**
     * @param maxCount at most this many events are kept
     * @param maxBytes the events (JSON lines and snapshots) take at most this many bytes
     * @param maxAge   events older than this are removed
     */
    public record Retention(int maxCount, long maxBytes, Duration maxAge) {
        /** Sized for an SD card: a snapshot is some 50-200 kB, so 1 GiB holds several thousand. */
        public static final Retention DEFAULT = new Retention(10_000, 1L << 30, Duration.ofDays(30));
    }
}
