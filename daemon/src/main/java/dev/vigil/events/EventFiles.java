package dev.vigil.events;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file-writing layer of the event store: the few operations whose failure (a full disk, a pulled SD card) the
 * store must survive. Behind an interface so tests can stand in a disk that fills up.
 */
public interface EventFiles {

    /**
     * Writes {@code data} to a temporary name beside {@code target}, forces it to the device and renames it over
     * {@code target}: readers see the old file or the whole new one, never a part. On failure the temporary file is gone.
     */
    void writeAtomically(Path target, byte[] data) throws IOException;

    /**
     * Appends one whole line (ending in a newline) in one write and forces it. On failure the file is cut back to its
     * previous length, so it never ends in half a line.
     */
    void append(Path file, byte[] line) throws IOException;

    /** Cuts {@code file} to {@code size} bytes and forces it. */
    void truncate(Path file, long size) throws IOException;

    /** Deletes {@code file} if it exists. */
    void delete(Path file) throws IOException;

    /** The real file system. */
    static EventFiles local() { return LocalEventFiles.INSTANCE; }
}
