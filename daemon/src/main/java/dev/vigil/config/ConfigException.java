package dev.vigil.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A configuration that cannot be used. The message is one line that starts with the key path and shows the bad
 * value, e.g. {@code threads: 0 must be at least 1}; {@link #located()} puts the file in front for the user.
 * The CLI exits with {@link #EXIT_CODE} (a usage error: fix the file).
 */
public final class ConfigException extends RuntimeException {

    public static final int EXIT_CODE = 2;

    private final transient Path file;

    public ConfigException(String message) {
        this(message, null);
    }

    private ConfigException(String message, Path file) {
        // No stack trace: the message says everything and the exception is expected on every bad file.
        super(message, null, false, false);
        this.file = file;
    }

    /** The same error, naming the file it came from. */
    public ConfigException in(Path file) {
        return new ConfigException(getMessage(), file);
    }

    /** The file the configuration came from; empty for text parsed directly or the embedded demo. */
    public Optional<Path> file() { return Optional.ofNullable(file); }

    /** {@code FILE: message}, or the message alone when there is no file. */
    public String located() {
        return file == null ? getMessage() : file + ": " + getMessage();
    }

    public int exitCode() { return EXIT_CODE; }
}
