package dev.vigil.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The file holding the HTTP token ({@code http.token_file}): what {@code vigil token} prints and rotates. */
public final class TokenFile {

    private TokenFile() {
    }

    /** The token in {@code file}, without the line end. */
    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /**
     * Writes a new random token (32 bytes, URL-safe base64 without padding: 43 characters) into {@code file}: a
     * sibling written first and renamed over it, so a reader sees the old token or the new one, never half of one.
     * Mode 0640; the group of the file it replaces is kept (the package gives it to the vigil group, whose daemon
     * reads it).
     *
     * @return the new token
     */
    public static String rotate(Path file) throws IOException {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            // Set after creation: permissions given at creation would pass through the umask.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
            if (Files.exists(file)) {
                GroupPrincipal group = Files.getFileAttributeView(file, PosixFileAttributeView.class).readAttributes().group();
                Files.getFileAttributeView(tmp, PosixFileAttributeView.class).setGroup(group);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return token;
    }
}
