package dev.vigil.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sha256 check is remembered for exactly one state of one file, and only when it passed. */
class VerifiedFilesTest {

    @TempDir
    Path dir;

    private final AtomicInteger hashes = new AtomicInteger();
    /** Files count as settled: the clock reads a minute ahead of the files' times. */
    private final LongSupplier later = () -> VerifiedFiles.WALL_CLOCK.getAsLong() + 60_000_000_000L;

    private VerifiedFiles verified(LongSupplier clock) {
        return new VerifiedFiles(dir.resolve("store/" + VerifiedFiles.FILE_NAME), p -> {
            hashes.incrementAndGet();
            return Sha256.compute(p);
        }, clock);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aCheckedModelIsNotHashedAgainOnTheNextStartUntilItChanges() throws Exception {
        Path model = write("model.tflite", "weights A");
        String sha = Sha256.compute(model);
        assertTrue(verified(later).matches(model, 9, sha));
        assertTrue(verified(later).matches(model, 9, sha), "a new process (a new instance) reads the record");
        assertEquals(1, hashes.get());

        Files.writeString(model, "weights B", StandardCharsets.UTF_8); // same size, rewritten in place
        assertFalse(verified(later).matches(model, 9, sha));
        assertEquals(2, hashes.get());
    }

    @Test
    void aFileReplacedWithTheSameSizeAndTimeIsHashedAgain() throws Exception {
        Path model = write("model.tflite", "weights A");
        String sha = Sha256.compute(model);
        assertTrue(verified(later).matches(model, 9, sha));
        Path other = write("other.tflite", "weights B");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(model));
        Files.move(other, model, StandardCopyOption.REPLACE_EXISTING); // another inode, the same size and mtime
        assertFalse(verified(later).matches(model, 9, sha));
        assertEquals(2, hashes.get());
    }

    @Test
    void aFileWrittenJustNowIsNotRememberedYet() throws Exception {
        Path model = write("model.tflite", "weights A");
        String sha = Sha256.compute(model);
        assertTrue(verified(VerifiedFiles.WALL_CLOCK).matches(model, 9, sha));
        assertTrue(verified(VerifiedFiles.WALL_CLOCK).matches(model, 9, sha));
        assertEquals(2, hashes.get(), "within the kernel's timestamp tick a rewrite would look unchanged");
    }

    @Test
    void aFailedCheckIsNeverRemembered() throws Exception {
        Path model = write("model.tflite", "weights A");
        String wrong = "0".repeat(64);
        assertFalse(verified(later).matches(model, 9, wrong));
        assertFalse(verified(later).matches(model, 9, wrong));
        assertEquals(2, hashes.get());
        assertFalse(verified(later).matches(model, 10, Sha256.compute(model)), "a wrong size fails before any hashing");
        assertEquals(2, hashes.get());
    }

    @Test
    void aDamagedRecordIsIgnoredAndRewritten() throws Exception {
        Path model = write("model.tflite", "weights A");
        String sha = Sha256.compute(model);
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/" + VerifiedFiles.FILE_NAME), "garbage\n" + model + "\tnot\tsix\n");
        assertTrue(verified(later).matches(model, 9, sha));
        assertTrue(verified(later).matches(model, 9, sha));
        assertEquals(1, hashes.get());
        assertEquals(1, Files.readAllLines(dir.resolve("store/" + VerifiedFiles.FILE_NAME)).size());
    }
}
