package dev.vigil.events;

import java.nio.file.Path;

/** Another vigil writes to the events directory; the message names its pid and the lock file. */
public final class EventDirectoryLockedException extends EventStoreException {

    private final long holderPid;

    EventDirectoryLockedException(Path dir, Path lockFile, long holderPid) {
        super(dir, "another vigil (pid " + (holderPid < 0 ? "unknown" : Long.toString(holderPid)) + ") writes to it and holds "
                + lockFile, null, "stop that vigil, or give this one another events.dir");
        this.holderPid = holderPid;
    }

    /** The holder's pid, or -1 when its lock file did not say. */
    public long holderPid() { return holderPid; }
}
