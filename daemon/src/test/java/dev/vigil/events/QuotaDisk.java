package dev.vigil.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The real file system with a size limit on one directory, as a nearly full SD card: a write that would take the
 * directory past {@code capacity} bytes fails with ENOSPC's message, like the kernel's. {@code full} makes every write
 * fail regardless, as a card that another process filled.
 */
class QuotaDisk implements EventFiles {

    private final EventFiles real = EventFiles.local();
    private final Path dir;
    volatile long capacity = Long.MAX_VALUE;
    volatile boolean full;
    volatile int failedWrites;

    QuotaDisk(Path dir) { this.dir = dir; }

    long used() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void check(long more) throws IOException {
        if (full || used() + more > capacity) {
            failedWrites++;
            throw new IOException("No space left on device");
        }
    }

    @Override
    public void writeAtomically(Path target, byte[] data) throws IOException {
        check(data.length);
        real.writeAtomically(target, data);
    }

    @Override
    public void append(Path file, byte[] line) throws IOException {
        check(line.length);
        real.append(file, line);
    }

    @Override
    public void truncate(Path file, long size) throws IOException { real.truncate(file, size); }

    @Override
    public void delete(Path file) throws IOException { real.delete(file); }
}
