package dev.vigil.events;

import java.nio.file.Path;

/** The events directory cannot be used. The message is one line naming the directory and the fix. */
public class EventStoreException extends RuntimeException {

    private final Path dir;

    EventStoreException(Path dir, String reason, Throwable cause) {
        this(dir, reason, cause, "create it with write access for the user running vigil, or set events.dir to such a directory");
    }

    EventStoreException(Path dir, String reason, Throwable cause, String fix) {
        super("events directory " + dir + " cannot be used: " + reason + "; fix: " + fix, cause);
        this.dir = dir;
    }

    public Path dir() { return dir; }
}
