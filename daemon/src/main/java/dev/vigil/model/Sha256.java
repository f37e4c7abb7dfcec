package dev.vigil.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lowercase hex sha256 of a file, the form the catalogs use. {@link #of} reads a file once per process and state:
 * the store verifies a model, then the metrics label it with the same hash, and that was two reads of the whole model
 * before the first frame. {@link #compute} always reads.
 */
public final class Sha256 {

    private record Known(VerifiedFiles.Stamp stamp, String sha256) {}

    private static final Map<String, Known> KNOWN = new ConcurrentHashMap<>();

    private Sha256() {}

    /** The hash; not read again when this file, in exactly this state (size, times, inode), was hashed before. */
    public static String of(Path file) {
        VerifiedFiles.Stamp before = VerifiedFiles.Stamp.of(file);
        String key = file.toAbsolutePath().normalize().toString();
        Known k = before == null ? null : KNOWN.get(key);
        if (k != null && k.stamp().equals(before)) return k.sha256();
        String sha = compute(file);
        boolean settled = before != null && before.settled(VerifiedFiles.WALL_CLOCK.getAsLong());
        if (settled && before.equals(VerifiedFiles.Stamp.of(file))) {
            KNOWN.put(key, new Known(before, sha));
        }
        return sha;
    }

    /** Records a hash checked elsewhere (a remembered check of the store) for the file in this state. */
    static void known(Path file, VerifiedFiles.Stamp stamp, String sha256) {
        KNOWN.put(file.toAbsolutePath().normalize().toString(), new Known(stamp, sha256));
    }

    /** The hash of bytes already read (a config file: the hash names exactly what was parsed). */
    public static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The hash, read from the file now. */
    public static String compute(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** True when {@code file} is a regular file with exactly the given size and hash; size is compared first. */
    public static boolean matches(Path file, long size, String sha256) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == size && of(file).equals(sha256);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
