package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.events.EventFiles;
import dev.vigil.qc.QcResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QC side of store and forward across a restart: per camera, the newest verdict the broker acknowledged, in
 * {@code mqtt-qc-cursor} beside events.jsonl ({@code {"line1": "0001796000000123-0000000042"}}). At start, the lines of
 * each station's audit journal after it are sent again, marked {@code replayed}. A verdict's key is its edge time in
 * epoch milliseconds and its part number, both zero-padded, so "after" is a string comparison (part numbers start again
 * with each run; the time does not).
 */
final class QcCursor {

    private static final Logger log = LoggerFactory.getLogger(QcCursor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "mqtt-qc-cursor";

    /** One audit line to send again: the camera, its key and the verdict message. */
    record Replay(String camera, String key, byte[] payload) {}

    private final Path file; // null without an events directory
    private final Map<String, String> last = new TreeMap<>();
    private boolean read;

    QcCursor(Path eventsDir) {
        this.file = eventsDir == null ? null : eventsDir.resolve(FILE);
    }

    static String key(QcResult r) { return key(r.edgeTime().toEpochMilli(), r.part()); }

    static String key(long epochMs, long part) { return String.format("%016d-%010d", epochMs, part); }

    private void read() {
        if (read || file == null) return;
        read = true;
        if (!Files.isRegularFile(file)) return;
        try {
            JsonNode n = JSON.readTree(file.toFile());
            n.fields().forEachRemaining(e -> last.put(e.getKey(), e.getValue().asText()));
        } catch (IOException | RuntimeException e) {
            log.warn("mqtt: {} cannot be read ({}); QC verdicts of the last run are not sent again", file, e.getMessage());
        }
    }

    /**
     * The verdicts of {@code camera}'s audit journal after the cursor, oldest first, none older than {@code oldest}, the
     * newest {@code max} of them. A camera without a cursor yet (its first start with MQTT) gets none: history is not
     * news, its cursor starts {@code now}, so what this run's broker never took is sent at the next start.
     */
    List<Replay> undelivered(String camera, Path audit, int max, Instant oldest, Instant now) {
        read();
        if (file == null) return List.of();
        String after = last.get(camera);
        if (after == null) {
            write(Map.of(camera, key(now.toEpochMilli(), 0)));
            return List.of();
        }
        if (!Files.isRegularFile(audit)) return List.of();
        Deque<Replay> out = new ArrayDeque<>();
        int unreadable = 0;
        try (BufferedReader in = Files.newBufferedReader(audit, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                try {
                    JsonNode a = JSON.readTree(line);
                    Instant t = Instant.parse(a.get("time").asText());
                    String key = key(t.toEpochMilli(), a.get("part").asLong());
                    if (key.compareTo(after) <= 0 || t.isBefore(oldest)) continue;
                    out.addLast(new Replay(camera, key, payload(a)));
                    if (out.size() > max) out.removeFirst();
                } catch (IOException | RuntimeException e) {
                    unreadable++; // a line cut by a power failure, or not an audit line: not a verdict to send
                }
            }
        } catch (IOException e) {
            log.warn("mqtt: QC audit {} cannot be read ({}); its verdicts of the last run are not sent again", audit, e.getMessage());
            return List.of();
        }
        if (unreadable > 0) log.warn("mqtt: {} line(s) of {} are not audit records; skipped", unreadable, audit);
        return new ArrayList<>(out);
    }

    /** The message of {@code <prefix>/<camera>/qc} from an audit line, as {@link Payloads#verdict} makes it live. */
    private static byte[] payload(JsonNode a) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        Instant t = Instant.parse(a.get("time").asText());
        String camera = a.get("camera").asText();
        long part = a.get("part").asLong();
        o.put("id", camera + "-" + t.toEpochMilli() + "-" + part);
        o.put("camera", camera);
        o.put("part", part);
        o.put("verdict", a.get("verdict").asText().toLowerCase(java.util.Locale.ROOT));
        o.set("label", a.get("label"));
        o.put("score", a.get("score").asDouble());
        o.put("time", Payloads.time(t));
        boolean late = a.path("late").asBoolean();
        o.put("late", late);
        o.put("pushed", a.path("pushed").asBoolean() && !late);
        if (a.hasNonNull("reason")) o.put("reason", a.get("reason").asText());
        o.put("replayed", true);
        return JSON.writeValueAsBytes(o);
    }

    /** The broker acknowledged these (camera -> key): the cursor moves forward, never back. */
    void write(Map<String, String> acknowledged) {
        read();
        if (file == null) return;
        boolean moved = false;
        for (var e : acknowledged.entrySet()) {
            String was = last.get(e.getKey());
            if (was == null || e.getValue().compareTo(was) > 0) {
                last.put(e.getKey(), e.getValue());
                moved = true;
            }
        }
        if (!moved) return;
        try {
            EventFiles.local().writeAtomically(file, JSON.writeValueAsBytes(last));
        } catch (IOException e) {
            log.warn("mqtt: {} cannot be written ({})", file, e.getMessage());
        }
    }
}
