package dev.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the daemon's log goes ({@code logging: {level, format, file: {path, max_size, max_files}}}). The console
 * (stderr) always gets it; under systemd (JOURNAL_STREAM set) without timestamps, since journald adds its own.
 *
 * @param level  error, warn, info, debug or trace
 * @param format {@code text} (one readable line per record) or {@code json} (one JSON object per line)
 * @param file   an optional rolling file, in the same format
 */
public record LoggingConfig(String level, String format, Optional<FileLog> file) {

    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    public static final List<String> FORMATS = List.of("text", "json");

    /**
     * @param path     the current file; rolled ones get {@code .1}, {@code .2}, ... appended
     * @param maxBytes size at which the file rolls
     * @param maxFiles rolled files kept
     */
    public record FileLog(Path path, long maxBytes, int maxFiles) {
        public FileLog {
            if (maxBytes < 4096) throw ConfigException.at("max_size", Check.bytes(maxBytes) + " is too small; give at least 4KB, e.g. 10MB");
            Check.within("max_files", maxFiles, 1, 100);
        }
    }

    public LoggingConfig {
        if (!LEVELS.contains(level)) throw ConfigException.at("level", "\"" + level + "\" is not one of " + String.join(", ", LEVELS));
        if (!FORMATS.contains(format)) throw ConfigException.at("format", "\"" + format + "\" is not one of " + String.join(", ", FORMATS));
    }

    public static final LoggingConfig DEFAULT = new LoggingConfig("info", "text", Optional.empty());
}
