package dev.vigil.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.decision.DecisionStage;
import dev.vigil.swap.DeployRequest;
import dev.vigil.swap.DeployResult;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;

/**
 * The remote commands, validated once for every transport (MQTT's {@code .../set} topics and the HTTP POST endpoints):
 * arm or disarm a camera, detection on or off, a snapshot now, pulse an output, every output off, deploy a model. Each operation checks
 * everything before it changes anything, so a refused command ({@link Refused}) has no side effect. The transports
 * parse their own framing (topic or path), answer and log one line; nothing here logs.
 */
public final class Control {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final long MAX_PULSE_MS = 60_000, DEFAULT_PULSE_MS = 1000;

    /** The GPIO outputs a command may pulse or reset (absent without a gpio: section). */
    public interface Outputs {
        Collection<String> names();

        void pulse(String output, Duration length);

        void reset();
    }

    /** The live frame of a camera as a JPEG, or null when none was seen yet. */
    @FunctionalInterface
    public interface Snapshots {
        byte[] take(String camera);
    }

    /**
     * Operator feedback on an event ("false_alarm" or "miss"): the sampler keeps the event's frame for the dataset.
     * Answers one line; refuses (unknown event, a frame no longer held, sampling off) with {@link Refused}.
     */
    @FunctionalInterface
    public interface Feedback {
        String mark(String event, String kind, String via);
    }

    /** The feedback kinds an event can be marked with. */
    public static final java.util.List<String> FEEDBACK = java.util.List.of("false_alarm", "miss");

    /** The hot swap of the model ({@code dev.vigil.daemon.Vigil#deployModel}). */
    @FunctionalInterface
    public interface Models {
        DeployResult deploy(DeployRequest request);
    }

    /** Why a command was refused: what HTTP answers 400, 404 or 409 for. */
    public enum Reason { MALFORMED, UNKNOWN, UNAVAILABLE }

    /** A refused command: one line saying what was wrong and what would be right. Nothing changed. */
    public static final class Refused extends IllegalArgumentException {
        private final Reason reason;

        public Refused(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() { return reason; }
    }

    private final VigilConfig config;
    private final DecisionStage decisions;
    private final Outputs outputs;
    private final Snapshots snapshots;
    private final Feedback feedback;
    private final Models models;

    /** {@code outputs} and {@code snapshots} may be null (no gpio: section; no live view). */
    public Control(VigilConfig config, DecisionStage decisions, Outputs outputs, Snapshots snapshots) {
        this(config, decisions, outputs, snapshots, null, null);
    }

    /** {@code feedback} may be null (sampling off: feedback is refused as unavailable); {@code models} null where no model can be deployed. */
    public Control(VigilConfig config, DecisionStage decisions, Outputs outputs, Snapshots snapshots, Feedback feedback, Models models) {
        this.config = config;
        this.decisions = decisions;
        this.outputs = outputs;
        this.snapshots = snapshots;
        this.feedback = feedback;
        this.models = models;
    }

    /** Marks event {@code event} with a feedback kind: {@code false_alarm}, {@code miss} or {"feedback": "..."}. */
    public String feedback(String event, String payload, String via) {
        String kind = payload == null ? "" : payload.strip();
        if (kind.startsWith("{")) {
            try {
                kind = JSON.readTree(kind).path("feedback").asText("");
            } catch (java.io.IOException e) {
                throw new Refused(Reason.MALFORMED, "the body is not JSON; send false_alarm, miss or {\"feedback\": \"false_alarm\"}");
            }
        }
        kind = kind.toLowerCase(java.util.Locale.ROOT);
        if (!FEEDBACK.contains(kind)) {
            throw new Refused(Reason.MALFORMED, "feedback \"" + shorten(kind) + "\" is not one of " + String.join(", ", FEEDBACK));
        }
        if (feedback == null) throw new Refused(Reason.UNAVAILABLE, "sampling is off (sampling: {enabled: true} keeps marked frames)");
        return feedback.mark(event, kind, via);
    }

    /**
     * Deploys a model: loaded, self-tested, switched between two frames; a self-test that fails is a result with
     * {@code switched() == false} and the reason, not a {@link Refused}. Blocks for seconds.
     */
    public DeployResult deploy(DeployRequest request) {
        deployable();
        return models.deploy(request);
    }

    /** Refuses at once where no model can be deployed (before a transport starts a deploy's thread). */
    public void deployable() {
        if (models == null) throw new Refused(Reason.UNAVAILABLE, "no model can be deployed in this process");
    }

    /**
     * A deploy's payload: a catalog name or a model file as text, or
     * {@code {"model": NAME|PATH, "accept_disagreement": bool, "shadow": bool}}.
     */
    public static DeployRequest deployRequest(String payload, String via) {
        String p = payload.strip();
        boolean accept = false, shadow = false;
        String model = p;
        if (p.startsWith("{")) {
            JsonNode n = json(p);
            JsonNode m = n.get("model");
            if (m == null || !m.isTextual() || m.asText().isBlank())
                throw new Refused(Reason.MALFORMED, "the JSON body needs a \"model\": a catalog name or a .tflite file, e.g. {\"model\": \"mobilenet_v2_quant\"}");
            model = m.asText();
            JsonNode a = n.get("accept_disagreement");
            if (a != null && !a.isBoolean()) throw new Refused(Reason.MALFORMED, "\"accept_disagreement\" must be true or false");
            accept = a != null && a.asBoolean();
            JsonNode sh = n.get("shadow");
            if (sh != null && !sh.isBoolean()) throw new Refused(Reason.MALFORMED, "\"shadow\" must be true or false");
            shadow = sh != null && sh.asBoolean();
        }
        if (model.isEmpty()) throw new Refused(Reason.MALFORMED, "no model given; send a catalog name, a .tflite file or {\"model\": ...}");
        return new DeployRequest(model, accept, via, shadow);
    }

    /** Arms or disarms {@code camera}; {@code via} is the cause in the alarm's log ("mqtt", "http 10.0.0.5"). */
    public String armed(String camera, boolean on, String via) {
        camera(camera);
        if (on) decisions.arm(camera, via);
        else decisions.disarm(camera, via);
        return "camera " + camera + " " + (on ? "armed" : "disarmed");
    }

    public String detection(String camera, boolean on, String via) {
        camera(camera);
        decisions.detection(camera, on, via);
        return "detection " + (on ? "on" : "off") + " for camera " + camera;
    }

    /** The camera's live frame as a JPEG now. */
    public byte[] snapshot(String camera) {
        camera(camera);
        byte[] jpeg = snapshots == null ? null : snapshots.take(camera);
        if (jpeg == null) throw new Refused(Reason.UNAVAILABLE, "camera " + camera + " has no frame yet");
        return jpeg;
    }

    public String pulse(String output, long ms) {
        Outputs o = outputs();
        if (!o.names().contains(output)) throw new Refused(Reason.UNKNOWN, "no output " + output + " (outputs: " + o.names() + ")");
        if (ms < 1 || ms > MAX_PULSE_MS) throw new Refused(Reason.MALFORMED, ms + " is not a pulse length in ms (1.." + MAX_PULSE_MS + ")");
        o.pulse(output, Duration.ofMillis(ms));
        return "output " + output + " pulsed";
    }

    public String reset() {
        outputs().reset();
        return "every output off";
    }

    /** The camera's alarm state and whether it detects (for the answers of the HTTP endpoints). */
    public String alarmState(String camera) { return decisions.alarmState(camera).name(); }

    public boolean detecting(String camera) { return decisions.detecting(camera); }

    /** Refuses a camera that is not configured or not enabled, naming the ones there are. */
    public void camera(String camera) {
        CameraConfig c = config.cameras().get(camera);
        if (c == null || !c.enabled())
            throw new Refused(Reason.UNKNOWN, "no camera " + camera + " (cameras: " + config.enabledCameras().stream().map(CameraConfig::name).toList() + ")");
    }

    private Outputs outputs() {
        if (outputs == null) throw new Refused(Reason.UNAVAILABLE, "no GPIO outputs (no gpio: section)");
        return outputs;
    }

    /**
     * An on/off payload: {@code ON}/{@code OFF} or {@code true}/{@code false} (any case), or a JSON object whose
     * {@code field} is a boolean ({@code {"armed": true}}).
     */
    public static boolean onOff(String payload, String field) {
        String p = payload.strip();
        if (p.startsWith("{")) {
            JsonNode v = json(p).get(field);
            if (v == null || !v.isBoolean()) throw new Refused(Reason.MALFORMED, "the JSON body needs a boolean \"" + field + "\", e.g. {\"" + field + "\": true}");
            return v.asBoolean();
        }
        return switch (p.toUpperCase(Locale.ROOT)) {
            case "ON", "TRUE" -> true;
            case "OFF", "FALSE" -> false;
            default -> throw new Refused(Reason.MALFORMED, "\"" + shorten(p) + "\" is not ON or OFF");
        };
    }

    /** A pulse length: whole ms as text or {@code {"ms": n}}; empty means {@link #DEFAULT_PULSE_MS}. Range checked by {@link #pulse}. */
    public static long pulseMs(String payload) {
        String p = payload.strip();
        if (p.isEmpty()) return DEFAULT_PULSE_MS;
        if (p.startsWith("{")) {
            JsonNode v = json(p).get("ms");
            if (v == null || !v.canConvertToLong() || !v.isIntegralNumber())
                throw new Refused(Reason.MALFORMED, "the JSON body needs a whole number \"ms\", e.g. {\"ms\": 500}");
            return v.asLong();
        }
        try {
            return Long.parseLong(p);
        } catch (NumberFormatException e) {
            throw new Refused(Reason.MALFORMED, "\"" + shorten(p) + "\" is not a pulse length in ms (1.." + MAX_PULSE_MS + ")");
        }
    }

    private static JsonNode json(String p) {
        try {
            JsonNode n = JSON.readTree(p);
            if (n != null && n.isObject()) return n;
        } catch (IOException e) {
            // answered below
        }
        throw new Refused(Reason.MALFORMED, "the body is not a JSON object: \"" + shorten(p) + "\"");
    }

    /** {@code s} cut to 40 characters: a refusal quotes what it was sent, not a flood of it. */
    public static String shorten(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }
}
