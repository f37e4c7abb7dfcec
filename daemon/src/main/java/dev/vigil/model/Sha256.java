package dev.vigil.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lowercase hex sha256 of a file, the form the catalogs use. */
public final class Sha256 {

    private Sha256() {}

    public static String of(Path file) {
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
