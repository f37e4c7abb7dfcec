package dev.vigil.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One kept frame of the dataset: the {@code <id>.json} beside its {@code <id>.jpg} (see ARCHITECTURE.md, "The dataset").
 *
 * @param id          time, camera and frame: {@code 20261121-080000-123-door-17}; sorts in time order
 * @param source      the frame's file name for a folder source, else its capture time
 * @param strategy    the strategy it was kept for (its tag); {@code matched} every strategy the frame met
 * @param kind        "detector" or "classifier": boxes or whole-frame classes
 * @param predictions the model's guesses (pre-labels)
 * @param labels      what a person said; null while unlabelled, empty for "nothing there"
 * @param feedback    "false_alarm" or "miss" when an operator marked the event, else null
 * @param event       the event it came from, else null
 * @param dhash       the 64-bit difference hash of the frame (near-duplicate test)
 */
public record Sample(String id, Instant time, String camera, String source, String strategy, List<String> matched, String model, String sha256,
                     String kind, int width, int height, List<Box> predictions, List<Box> labels, String feedback, String event,
                     long dhash) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    public Sample {
        matched = List.copyOf(matched);
        predictions = List.copyOf(predictions);
        labels = labels == null ? null : List.copyOf(labels);
    }

    /**
     * One object (a detector's box) or one class of the whole frame (a classifier: {@code box} null).
     *
     * @param score the model's score; 1 for a person's label
     * @param box   xmin, ymin, xmax, ymax normalised to 0..1
     */
    public record Box(String label, double score, double[] box) {}

    public static String id(Instant time, String camera, String frame) { return ID_TIME.format(time) + "-" + camera + "-" + frame; }

    public boolean labelled() { return labels != null; }

    public boolean detector() { return "detector".equals(kind); }

    public Sample withLabels(List<Box> l) {
        return new Sample(id, time, camera, source, strategy, matched, model, sha256, kind, width, height, predictions, l, feedback, event, dhash);
    }

    public byte[] toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id).put("time", time.toString()).put("camera", camera).put("source", source).put("strategy", strategy);
        ArrayNode m = n.putArray("matched");
        matched.forEach(m::add);
        n.putObject("model").put("name", model).put("sha256", sha256);
        n.put("kind", kind).put("width", width).put("height", height);
        boxes(n.putArray("predictions"), predictions);
        if (labels == null) n.putNull("labels");
        else boxes(n.putArray("labels"), labels);
        n.put("feedback", feedback).put("event", event).put("dhash", String.format("%016x", dhash));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void boxes(ArrayNode a, List<Box> boxes) {
        for (Box b : boxes) {
            ObjectNode o = a.addObject().put("label", b.label()).put("score", round(b.score(), 4));
            if (b.box() != null) {
                ArrayNode c = o.putArray("box");
                for (double v : b.box()) c.add(round(v, 5));
            }
        }
    }

    private static BigDecimal round(double v, int places) {
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** Reads {@link #toJson}; IllegalArgumentException names what is wrong. */
    public static Sample fromJson(byte[] data) {
        JsonNode n;
        try {
            n = JSON.readTree(data);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        List<String> matched = new ArrayList<>();
        n.path("matched").forEach(v -> matched.add(v.asText()));
        JsonNode labels = n.get("labels");
        return new Sample(text(n, "id"), Instant.parse(text(n, "time")), text(n, "camera"), n.path("source").textValue(),
                text(n, "strategy"), matched,
                n.path("model").path("name").asText(), n.path("model").path("sha256").asText(), text(n, "kind"),
                n.path("width").asInt(), n.path("height").asInt(), boxes(n.get("predictions")),
                labels == null || labels.isNull() ? null : boxes(labels), n.path("feedback").textValue(), n.path("event").textValue(),
                Long.parseUnsignedLong(n.path("dhash").asText("0"), 16));
    }

    static List<Box> boxes(JsonNode a) {
        List<Box> out = new ArrayList<>();
        if (a == null) return out;
        for (JsonNode b : a) {
            JsonNode c = b.get("box");
            double[] box = null;
            if (c != null && c.isArray() && c.size() == 4) {
                box = new double[4];
                for (int i = 0; i < 4; i++) box[i] = c.get(i).asDouble();
            }
            out.add(new Box(b.path("label").asText(), b.path("score").asDouble(1), box));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(field + " is missing");
        return v.asText();
    }
}
