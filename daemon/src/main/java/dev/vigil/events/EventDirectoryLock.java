package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per events directory: an OS lock on {@code <dir>/.lock}, holding the writer's pid, for the store's life.
 * Two writers would each rewrite the journal from their own list of events and delete each other's snapshots.
 *
 * <p>The OS lock (fcntl) is per process, and closing any channel on the file releases every lock this JVM holds on
 * it; so a second store in the same JVM is refused from {@link #HELD} before a channel is ever opened. The file is
 * never deleted: removing a lock file lets a third writer lock a new file while the second still holds the old one.
 */
final class EventDirectoryLock implements AutoCloseable {

    static final String FILE = ".lock";

    /** Directories (real paths) locked by this JVM. */
    private static final Map<Path, Long> HELD = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private EventDirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws EventDirectoryLockedException when another vigil (this process or another) writes to {@code dir} */
    static EventDirectoryLock acquire(Path dir) {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new EventStoreException(dir, "it cannot be resolved (" + EventDirectory.describe(e) + ")", e);
        }
        long me = ProcessHandle.current().pid();
        Path file = key.resolve(FILE);
        if (HELD.putIfAbsent(key, me) != null) throw new EventDirectoryLockedException(dir, file, me);
        FileChannel ch = null;
        boolean done = false;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // locked through a channel this store did not open; the holder is this JVM
            }
            if (l == null) throw new EventDirectoryLockedException(dir, file, holder(file));
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((me + "\n").getBytes(UTF_8)), 0);
            ch.force(false);
            done = true;
            return new EventDirectoryLock(key, ch, l);
        } catch (IOException e) {
            throw new EventStoreException(dir, "its lock " + file + " cannot be taken (" + EventDirectory.describe(e) + ")", e);
        } finally {
            if (!done) {
                closeQuietly(ch);
                HELD.remove(key, me);
            }
        }
    }

    /**
     * The pid of the vigil that writes to {@code dir} now, without taking its place: empty when nobody holds the lock
     * (or the directory has none yet). Used by {@code check-config}, which runs beside the daemon it checks.
     */
    static java.util.OptionalLong heldBy(Path dir) {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            return java.util.OptionalLong.empty();
        }
        Long mine = HELD.get(key);
        if (mine != null) return java.util.OptionalLong.of(mine); // opening a channel here would release our own lock
        Path file = key.resolve(FILE);
        if (!Files.isRegularFile(file)) return java.util.OptionalLong.empty();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l != null) {
                l.release();
                return java.util.OptionalLong.empty();
            }
            long pid = holder(file);
            return pid < 0 ? java.util.OptionalLong.of(-1) : java.util.OptionalLong.of(pid);
        } catch (OverlappingFileLockException e) {
            return java.util.OptionalLong.of(holder(file)); // only a test holds it in this JVM outside HELD
        } catch (IOException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** The pid the holder wrote, or -1 when it cannot be read (the holder may be between its lock and its write). */
    private static long holder(Path file) {
        try {
            return Long.parseLong(Files.readString(file, UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // the lock is released with the channel either way
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it
        }
        closeQuietly(channel);
        HELD.remove(key);
    }
}
