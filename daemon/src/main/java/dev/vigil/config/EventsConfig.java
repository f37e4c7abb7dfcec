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
}
