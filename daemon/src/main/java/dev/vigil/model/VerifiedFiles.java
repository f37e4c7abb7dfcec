package dev.vigil.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sha256 checks that passed, remembered in one file of the store ({@code $VIGIL_HOME/verified-sha256.tsv}), so a
 * start does not hash a model again that nobody touched: a daemon reads its model (and the demo its photos) on every
 * start, and hashing them was the largest piece of work before the first frame after loading the natives.
 *
 * <p>A remembered check counts only for the same file in the same state: path, size, modification time, change time
 * (ctime, which no tool can set back), inode and device all equal. Writing the file, replacing it or touching it
 * changes one of them, and the file is hashed again. The state is read before and after hashing; a check is kept only
 * when the file did not change meanwhile and had not changed for a while before ({@link Stamp#settled}). Only passed
 * checks are kept, for the expected hash; a failed one never is. If the file system has no such attributes, or the
 * record cannot be written, every check hashes.
 */
final class VerifiedFiles {

    private static final Logger log = LoggerFactory.getLogger(VerifiedFiles.class);

    static final String FILE_NAME = "verified-sha256.tsv";

    private final Path record;
    private final Function<Path, String> hasher;
    private final LongSupplier clock;

    /** The state of a file that a remembered check belongs to. */
    record Stamp(long size, long mtimeNanos, long ctimeNanos, long inode, long device) {

        static Stamp of(Path file) {
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,dev");
                return new Stamp((Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
                        nanos((FileTime) a.get("ctime")), (Long) a.get("ino"), (Long) a.get("dev"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return null;
            }
        }

        static long nanos(FileTime t) {
            return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        /**
         * Whether the file was last written or changed long enough ago to stand for its bytes: the kernel stamps
         * times from a coarse clock (a few milliseconds), so a file rewritten in the same tick as it was checked would
         * look unchanged. Git's index has the same "racy" case; a newer file is simply hashed again next time.
         */
        boolean settled(long nowNanos) {
            return Math.max(mtimeNanos, ctimeNanos) < nowNanos - SETTLED_NANOS;
        }
    }

    static final long SETTLED_NANOS = 2_000_000_000L;
    /** The time files are stamped in, as nanoseconds since the epoch. */
    static final LongSupplier WALL_CLOCK = () -> Stamp.nanos(FileTime.from(java.time.Instant.now()));

    VerifiedFiles(Path home) {
        this(home.resolve(FILE_NAME), Sha256::compute, WALL_CLOCK);
    }

    VerifiedFiles(Path record, Function<Path, String> hasher, LongSupplier clock) {
        this.record = record;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** Like {@link Sha256#matches}: a regular file with exactly this size and hash; hashed only when not remembered. */
    boolean matches(Path file, long size, String sha256) {
        if (!Files.isRegularFile(file)) return false;
        String key = key(file);
        Stamp before = key == null ? null : Stamp.of(file);
        if (before == null) return Sha256.matches(file, size, sha256);
        if (before.size() != size) return false;
        Map<String, String> known = read();
        if (line(before, sha256).equals(known.get(key))) {
            Sha256.known(file, before, sha256);
            return true;
        }
        String actual;
        try {
            actual = hasher.apply(file);
        } catch (UncheckedIOException e) {
            return false;
        }
        if (!actual.equals(sha256)) return false;
        if (before.settled(clock.getAsLong()) && before.equals(Stamp.of(file))) {
            Sha256.known(file, before, sha256);
            known.put(key, line(before, sha256));
            write(known);
        }
        return true;
    }

    private static String key(Path file) {
        String k = file.toAbsolutePath().normalize().toString();
        return k.contains("\t") || k.contains("\n") || k.contains("\r") ? null : k;
    }

    private static String line(Stamp s, String sha256) {
        return String.join("\t", sha256, Long.toString(s.size()), Long.toString(s.mtimeNanos()), Long.toString(s.ctimeNanos()),
                Long.toString(s.inode()), Long.toString(s.device()));
    }

    /** Path to the rest of its line; a line that does not parse is dropped (the record is only a cache). */
    private Map<String, String> read() {
        Map<String, String> known = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return known;
        }
        for (String l : lines) {
            int tab = l.indexOf('\t');
            if (tab > 0 && l.substring(tab + 1).split("\t").length == 6) known.put(l.substring(0, tab), l.substring(tab + 1));
        }
        return known;
    }

    // Written whole under a temporary name, then renamed: a reader sees the old record or the new one, never half.
    private void write(Map<String, String> known) {
        StringBuilder sb = new StringBuilder();
        known.forEach((path, rest) -> {
            if (Files.exists(Path.of(path))) sb.append(path).append('\t').append(rest).append('\n');
        });
        Path tmp = null;
        try {
            Files.createDirectories(Objects.requireNonNull(record.toAbsolutePath().getParent()));
            tmp = Files.createTempFile(record.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            log.debug("cannot record sha256 checks in {}: {}", record, e.toString());
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the leftover is a stray temporary file, nothing reads it
            }
        }
    }
}
