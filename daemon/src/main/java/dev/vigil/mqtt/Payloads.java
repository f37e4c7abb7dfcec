package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.events.Event;
import dev.vigil.qc.QcCounts;
import dev.vigil.qc.QcResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The JSON of every MQTT payload, in one place (the README's topic table documents them); the webhooks send the same. */
public final class Payloads {

    static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {}

    /**
     * {@code <prefix>/events}: {@code {"type": "new"|"update"|"end", "id": <the visit's first event id>, "event_id": <the
     * journal event this message is about>, camera, group, label, start, end (null until the end), score (this event's),
     * best_score, best_event, snapshot (the best event's file), events (recorded in the visit), replayed}}.
     */
    static byte[] visit(String type, Visits.Visit v, Event about, boolean replayed) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type);
        o.put("id", v.id);
        o.put("event_id", about.id());
        o.put("camera", v.camera);
        o.put("group", v.group);
        o.put("label", about.label());
        if (about.subLabel() != null) {
            o.put("sub_label", about.subLabel());
            o.put("sub_score", about.subScore());
        }
        o.put("source_ref", about.sourceRef());
        o.put("start", time(v.start));
        if (v.end == null) o.putNull("end");
        else o.put("end", time(v.end));
        o.put("score", about.score());
        o.put("best_score", v.best.score());
        o.put("best_event", v.best.id());
        if (v.best.snapshot() == null) o.putNull("snapshot");
        else o.put("snapshot", v.best.snapshot());
        o.put("events", v.events);
        o.put("replayed", replayed);
        model(o, about.model(), about.modelSha256());
        return bytes(o);
    }

    /** {@code <prefix>/<camera>/<group>}: {@code {"state": "ON"|"OFF", "count": n, "since": time}}. */
    static byte[] group(boolean on, int count, Instant since) {
        ObjectNode o = JSON.createObjectNode();
        o.put("state", on ? "ON" : "OFF");
        o.put("count", on ? count : 0);
        o.put("since", time(since));
        return bytes(o);
    }

    /** {@code <prefix>/<camera>/state}: {@code {"state": "up"|"down", "health": flowing|..., "reason": ...}}. */
    static byte[] cameraState(boolean up, String health, String reason) {
        ObjectNode o = JSON.createObjectNode();
        o.put("state", up ? "up" : "down");
        o.put("health", health);
        if (reason == null) o.putNull("reason");
        else o.put("reason", reason);
        return bytes(o);
    }

    /** {@code <prefix>/<camera>/qc}: one verdict. */
    public static byte[] verdict(QcResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.camera() + "-" + r.edgeTime().toEpochMilli() + "-" + r.part());
        o.put("camera", r.camera());
        o.put("part", r.part());
        o.put("verdict", r.verdict().name().toLowerCase(Locale.ROOT));
        if (r.label() == null) o.putNull("label");
        else o.put("label", r.label());
        o.put("score", Math.round(r.score() * 1000) / 1000.0);
        o.put("time", time(r.edgeTime()));
        o.put("late", r.late());
        o.put("pushed", r.pushAtNanos() != 0 && !r.late());
        if (r.reason() != null) o.put("reason", r.reason());
        model(o, r.model() == null ? null : r.model().name(), r.model() == null ? null : r.model().shortSha());
        o.put("replayed", false);
        return bytes(o);
    }

    /** {@code <prefix>/<camera>/qc/counts}: the station's counters. */
    static byte[] qcCounts(QcCounts c) {
        return bytes(JSON.createObjectNode().put("ok", c.ok()).put("ng", c.ng()).put("uncertain", c.uncertain())
                .put("pushed", c.pushed()).put("late", c.late()));
    }

    /**
     * {@code <prefix>/status}: the figures of {@code /api/status} that a dashboard wants (model, sha256, delegate, uptime,
     * power W, per camera fps and inference ms), read from that same JSON rather than computed again; events_today counts
     * the visits (new events) since local midnight.
     */
    static byte[] status(JsonNode full, java.util.Map<String, Integer> visitsToday) {
        ObjectNode o = JSON.createObjectNode();
        JsonNode m = full.path("model");
        o.put("model", m.path("name").asText());
        o.put("sha256", m.path("sha256").asText());
        o.put("delegate", m.path("delegate").asText());
        o.put("uptime_s", full.path("uptime_s").asDouble());
        o.put("ready", full.path("ready").asBoolean());
        JsonNode w = full.path("power").path("watts");
        if (w.isNumber()) o.put("power_w", w.asDouble());
        else o.putNull("power_w");
        JsonNode e = full.path("power").path("energy_j");
        if (e.isNumber()) o.put("energy_wh", Math.round(e.asDouble() / 3.6) / 1000.0);
        ObjectNode cams = o.putObject("cameras");
        for (JsonNode c : full.path("cameras")) {
            ObjectNode co = cams.putObject(c.path("name").asText());
            co.set("fps", c.path("fps"));
            co.set("inference_ms", c.path("inference_ms").isMissingNode() ? JSON.nullNode() : c.path("inference_ms"));
            co.put("events", c.path("events").asLong());
            co.put("events_today", visitsToday.getOrDefault(c.path("name").asText(), 0));
        }
        return bytes(o);
    }

    /**
     * {@code <prefix>/model}: {@code {"name", "sha256" (12 hex digits), "change": "switched"|"rollback", "from": {name, sha256},
     * "reason", "time"}}.
     */
    static byte[] modelChange(dev.vigil.swap.ModelSwap.Change c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", c.now().name());
        o.put("sha256", c.now().shortSha());
        o.put("change", c.what());
        if (c.from() == null) o.putNull("from");
        else o.putObject("from").put("name", c.from().name()).put("sha256", c.from().shortSha());
        o.put("reason", c.reason());
        o.put("time", time(c.time()));
        return bytes(o);
    }

    /** A command's answer on {@code .../result}: {@code {"ok": bool, "command": topic, "message": text}}. */
    static byte[] result(boolean ok, String command, String message) {
        return bytes(JSON.createObjectNode().put("ok", ok).put("command", command).put("message", message));
    }

    /** {@code "model": name, "model_sha256": 12 hex digits}: which model saw it (null when not known). */
    private static void model(ObjectNode o, String name, String sha) {
        if (name == null) {
            o.putNull("model");
            o.putNull("model_sha256");
        } else {
            o.put("model", name);
            o.put("model_sha256", sha);
        }
    }

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
