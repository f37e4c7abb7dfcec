package dev.vigil.mqtt;

import dev.vigil.events.EventFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The id of the newest journal event the broker acknowledged, in {@code mqtt-cursor} beside events.jsonl: after a
 * restart, the events after it are sent again. Event ids sort by time, so "after" is a string comparison.
 */
final class Cursor {

    private static final Logger log = LoggerFactory.getLogger(Cursor.class);
    static final String FILE = "mqtt-cursor";

    private final Path file; // null without an events directory
    private String last;

    Cursor(Path eventsDir) {
        this.file = eventsDir == null ? null : eventsDir.resolve(FILE);
    }

    /** The delivered id, or null when there is none yet (first start with MQTT). */
    String read() {
        if (file == null || !Files.isRegularFile(file)) return null;
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            last = s.isEmpty() ? null : s;
            return last;
        } catch (IOException e) {
            log.warn("mqtt: {} cannot be read ({}); events recorded while the broker was away are not sent again", file, e.getMessage());
            return null;
        }
    }

    /**
     * The events of {@code store} after the cursor, oldest first, none older than {@code oldest} and at most {@code max}.
     * Without a cursor (the first start with MQTT) none: history is not news; the cursor starts at the newest event.
     */
    java.util.List<dev.vigil.events.Event> undelivered(dev.vigil.events.EventStore store, int max, java.time.Instant oldest) {
        java.util.List<dev.vigil.events.Event> newest = store.recent(max);
        String after = read();
        if (after == null) {
            if (!newest.isEmpty()) write(newest.getFirst().id());
            return java.util.List.of();
        }
        java.util.List<dev.vigil.events.Event> out = new java.util.ArrayList<>();
        for (int i = newest.size() - 1; i >= 0; i--) {
            dev.vigil.events.Event e = newest.get(i);
            if (e.id().compareTo(after) > 0 && !e.time().isBefore(oldest)) out.add(e);
        }
        return out;
    }

    void write(String id) {
        if (file == null || id.equals(last) || (last != null && id.compareTo(last) < 0)) return;
        last = id;
        try {
            EventFiles.local().writeAtomically(file, (id + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("mqtt: {} cannot be written ({})", file, e.getMessage());
        }
    }
}
