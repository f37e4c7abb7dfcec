package dev.vigil.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A configuration that cannot be used. The message is one line that starts with the key path and shows the bad
 * value, e.g. {@code threads: 0 must be at least 1}; {@link #located()} puts the file in front for the user.
 * The CLI exits with {@link #EXIT_CODE} (a usage error: fix the file).
 *
 * <p>A config record checks its own components and throws {@link #at} with the key relative to itself
 * ({@code min_score}, {@code points[1][0]}, or {@code ""} for the record's own key); the reader that built it puts the
 * path in front with {@link #under}.
 */
public final class ConfigException extends RuntimeException {

    public static final int EXIT_CODE = 2;

    private final transient Path file;
    /** The key relative to the record that threw, until a reader places it; null once placed (or never keyed). */
    private final String relativeKey;
    private final String what;

    public ConfigException(String message) {
        this(message, null, null, null);
    }

    private ConfigException(String message, Path file, String relativeKey, String what) {
        // No stack trace: the message says everything and the exception is expected on every bad file.
        super(message, null, false, false);
        this.file = file;
        this.relativeKey = relativeKey;
        this.what = what;
    }

    /** A record's own check failed: {@code key} is relative to the record ({@code ""} for the record's own key). */
    public static ConfigException at(String key, String what) {
        return new ConfigException((key.isEmpty() ? "config" : key) + ": " + what, null, key, what);
    }

    /** The same error placed under {@code path} (the record's key path); an error already placed stays as it is. */
    public ConfigException under(String path) {
        if (relativeKey == null) return this;
        String key = relativeKey.isEmpty() ? path : path.isEmpty() ? relativeKey
                : relativeKey.startsWith("[") ? path + relativeKey : path + "." + relativeKey;
        return new ConfigException((key.isEmpty() ? "config" : key) + ": " + what, file, null, null);
    }

    /** The same error, naming the file it came from. */
    public ConfigException in(Path file) {
        return new ConfigException(getMessage(), file, relativeKey, what);
    }

    /** The file the configuration came from; empty for text parsed directly or the embedded demo. */
    public Optional<Path> file() { return Optional.ofNullable(file); }

    /** {@code FILE: message}, or the message alone when there is no file. */
    public String located() {
        return file == null ? getMessage() : file + ": " + getMessage();
    }

    public int exitCode() { return EXIT_CODE; }
}
