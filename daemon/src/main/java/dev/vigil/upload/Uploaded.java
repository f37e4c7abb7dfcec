package dev.vigil.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What has reached the storage, kept across restarts: one line per object ({@code <md5> <size> <key>}), appended and
 * fsynced once the storage confirmed it. An object whose key, size and MD5 are here is never sent again; one that
 * changed (a batch's annotations after more labels) is. A line cut short by a power cut is ignored, so at worst that
 * object is asked about (HEAD) again. Appending keeps each confirmation one small write however long the record.
 */
public final class Uploaded implements AutoCloseable {

    /** An object as stored: its size and the hex MD5 of its bytes (S3's ETag of a single-part upload). */
    public record Entry(long size, String md5) {}

    private final Path file;
    private final Map<String, Entry> entries = new HashMap<>();
    private FileChannel out;

    private Uploaded(Path file) { this.file = file; }

    public static Uploaded open(Path file) throws IOException {
        Uploaded u = new Uploaded(file);
        if (Files.exists(file)) {
            byte[] all = Files.readAllBytes(file);
            int end = all.length;
            while (end > 0 && all[end - 1] != '\n') end--; // past the last line break: a line a crash cut short
            for (String line : new String(all, 0, end, StandardCharsets.UTF_8).split("\n")) {
                String[] p = line.split(" ", 3);
                if (p.length == 3 && p[0].length() == 32) {
                    try {
                        u.entries.put(p[2], new Entry(Long.parseLong(p[1]), p[0]));
                    } catch (NumberFormatException e) {
                        // a damaged line: that object is checked against the storage instead
                    }
                }
            }
            if (end < all.length) try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.truncate(end);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        u.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return u;
    }

    public synchronized boolean has(String key, Entry e) { return e.equals(entries.get(key)); }

    public synchronized int size() { return entries.size(); }

    /** Writes down that the storage holds {@code key} as {@code e}; on disk before this returns. */
    public synchronized void add(String key, Entry e) throws IOException {
        if (key.indexOf('\n') >= 0) throw new IllegalArgumentException("a key with a line break: " + key);
        ByteBuffer line = ByteBuffer.wrap((e.md5() + " " + e.size() + " " + key + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) out.write(line);
        out.force(false);
        entries.put(key, e);
    }

    @Override
    public synchronized void close() throws IOException { out.close(); }
}
