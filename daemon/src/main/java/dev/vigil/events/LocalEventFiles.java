package dev.vigil.events;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** {@link EventFiles} on the local file system, with fsync of file and directory so a power cut keeps what returned. */
final class LocalEventFiles implements EventFiles {

    static final LocalEventFiles INSTANCE = new LocalEventFiles();

    /** Temporary names start with a dot and end with this; the store removes leftovers of a crash at start. */
    static final String TEMP_SUFFIX = ".tmp";

    private LocalEventFiles() {}

    static boolean isTemp(String fileName) { return fileName.startsWith(".") && fileName.endsWith(TEMP_SUFFIX); }

    @Override
    public void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
                writeFully(ch, ByteBuffer.wrap(data));
                ch.force(true);
            }
            Files.move(tmp, target, ATOMIC_MOVE, REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    @Override
    public void append(Path file, byte[] line) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, CREATE, WRITE, APPEND)) {
            long before = ch.size();
            try {
                writeFully(ch, ByteBuffer.wrap(line));
                ch.force(false);
            } catch (IOException e) {
                try {
                    ch.truncate(before);
                    ch.force(false);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        if (created) syncDirectory(file.toAbsolutePath().getParent());
    }

    @Override
    public void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, WRITE)) {
            ch.truncate(size);
            ch.force(false);
        }
    }

    @Override
    public void delete(Path file) throws IOException { Files.deleteIfExists(file); }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        // One write(2) for a line of a few hundred bytes; the loop only matters for a short write.
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Makes a rename or a new name durable; file systems that cannot open a directory for sync are left as they are. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be synced; the data itself is already forced.
        }
    }
}
