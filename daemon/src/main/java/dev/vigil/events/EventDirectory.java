package dev.vigil.events;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The events directory's rules: whether it can be used, which names may live in it, how an I/O failure reads. */
final class EventDirectory {

    /** Ids and snapshot names: one plain file name, no separators, no leading dot. */
    static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private EventDirectory() {}

    /** @throws EventStoreException (one line naming the directory and the fix) when it cannot be created, read or written */
    static void checkUsable(Path d) {
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new EventStoreException(d, whyNotCreated(d, e), e);
        }
        if (!Files.isDirectory(d)) throw new EventStoreException(d, "it is not a directory", null);
        Path journal = d.resolve(EventStore.JOURNAL);
        if (Files.exists(journal) && !Files.isRegularFile(journal))
            throw new EventStoreException(d, journal + " is not a regular file", null);
        try {
            Path probe = Files.createTempFile(d, ".vigil-probe-", LocalEventFiles.TEMP_SUFFIX);
            Files.delete(probe);
            try (DirectoryStream<Path> ignored = Files.newDirectoryStream(d)) {
                // listing works: snapshots can be found again
            }
            if (Files.exists(journal) && !Files.isReadable(journal))
                throw new AccessDeniedException(journal.toString(), null, "not readable");
        } catch (IOException e) {
            throw new EventStoreException(d, "it is not writable (" + describe(e) + ")", e);
        }
    }

    private static String whyNotCreated(Path d, IOException e) {
        for (Path p = d; p != null; p = p.getParent()) {
            if (Files.exists(p)) return Files.isDirectory(p) ? "it cannot be created (" + describe(e) + ")"
                    : p + " is a file, not a directory";
        }
        return "it cannot be created (" + describe(e) + ")";
    }

    /** {@code name} as a file directly in {@code dir}, or null if it is not a plain file name. */
    static Path inside(Path dir, String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) return null;
        Path p = dir.resolve(name).normalize();
        return dir.equals(p.getParent()) ? p : null;
    }

    /** A camera or group name as it may appear in an id and a file name. */
    static String safe(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }

    /** One line for a log or an error: Java's exception messages for these name only the file. */
    static String describe(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied on " + a.getFile();
            case NotDirectoryException n -> n.getFile() + " is not a directory";
            case FileAlreadyExistsException f -> f.getFile() + " exists and is not a directory";
            case NoSuchFileException n -> n.getFile() + " does not exist";
            case FileSystemException f -> (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName())
                    + (f.getFile() != null ? " on " + f.getFile() : "");
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
