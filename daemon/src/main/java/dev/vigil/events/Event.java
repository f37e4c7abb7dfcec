package dev.vigil.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * One recorded alarm: a line of events.jsonl.
 *
 * @param score     rounded to 3 decimals
 * @param box       xmin, ymin, xmax, ymax normalized to 0..1, rounded to 4 decimals
 * @param sourceRef the image file name for a folder source, else the frame's timestamp
 * @param snapshot  file name of the annotated JPEG in the events directory, or null when none could be made
 * @param model     the model that saw it, as {@code name} and the first 12 hex digits of its sha256 (a hot swap changes
 *                  it while vigil runs); null in lines written before vigil recorded it
 * @param subLabel  what the camera's second stage named the detection ({@code sub_label}), or null
 * @param subScore  the second stage's score of it, rounded to 3 decimals; NaN without a sub-label
 */
public record Event(String id, Instant time, String camera, String group, String label, double score, double[] box,
                    String sourceRef, String snapshot, String model, String modelSha256, String subLabel, double subScore) {

    /** An event without a sub-label. */
    public Event(String id, Instant time, String camera, String group, String label, double score, double[] box,
                 String sourceRef, String snapshot, String model, String modelSha256) {
        this(id, time, camera, group, label, score, box, sourceRef, snapshot, model, modelSha256, null, Double.NaN);
    }

    /** An event whose model is not known. */
    public Event(String id, Instant time, String camera, String group, String label, double score, double[] box,
                 String sourceRef, String snapshot) {
        this(id, time, camera, group, label, score, box, sourceRef, snapshot, null, null);
    }

    /** The same event with its snapshot (or none). */
    public Event withSnapshot(String file) {
        return new Event(id, time, camera, group, label, score, box, sourceRef, file, model, modelSha256, subLabel, subScore);
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER =
            new ObjectMapper(JSON).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The event as one JSON object on one line, fields in the documented order. */
    public String toJson() {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("time", formatTime(time));
            g.writeStringField("camera", camera);
            g.writeStringField("group", group);
            g.writeStringField("label", label);
            g.writeFieldName("score");
            g.writeNumber(plain(score, 3));
            g.writeArrayFieldStart("box");
            for (double v : box) g.writeNumber(plain(v, 4));
            g.writeEndArray();
            g.writeStringField("source_ref", sourceRef);
            g.writeStringField("snapshot", snapshot);
            if (subLabel != null) {
                g.writeStringField("sub_label", subLabel);
                g.writeFieldName("sub_score");
                g.writeNumber(plain(subScore, 3));
            }
            if (model != null) {
                g.writeStringField("model", model);
                g.writeStringField("model_sha256", modelSha256);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** Reads a line written by {@link #toJson()}; IllegalArgumentException names what is wrong with it. */
    public static Event fromJson(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        JsonNode box = n.get("box");
        if (box == null || !box.isArray() || box.size() != 4) throw new IllegalArgumentException("box is not 4 numbers");
        double[] b = new double[4];
        for (int i = 0; i < 4; i++) b[i] = box.get(i).asDouble();
        JsonNode score = n.get("score");
        if (score == null || !score.isNumber()) throw new IllegalArgumentException("score is not a number");
        Instant time;
        try {
            time = Instant.parse(text(n, "time", true));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time is not an ISO instant");
        }
        return new Event(text(n, "id", true), time, text(n, "camera", true), text(n, "group", true),
                text(n, "label", true), score.asDouble(), b, text(n, "source_ref", false), text(n, "snapshot", false),
                text(n, "model", false), text(n, "model_sha256", false), text(n, "sub_label", false),
                n.has("sub_score") && n.get("sub_score").isNumber() ? n.get("sub_score").asDouble() : Double.NaN);
    }

    static String formatTime(Instant t) { return TIME.format(t.truncatedTo(ChronoUnit.MILLIS)); }

    static double round(double v, int places) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).doubleValue() : 0d;
    }

    /** From a float without its binary tail: 0.71f is 0.71, not 0.7099999785. */
    static double round(float v, int places) {
        return Float.isFinite(v) ? new BigDecimal(Float.toString(v)).setScale(places, RoundingMode.HALF_UP).doubleValue() : 0d;
    }

    /** A plain decimal (never 1.0E-4), at most {@code places} decimals, no trailing zeros. */
    private static String plain(double v, int places) {
        return BigDecimal.valueOf(round(v, places)).stripTrailingZeros().toPlainString();
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException(field + " is missing");
            return null;
        }
        if (!v.isTextual()) throw new IllegalArgumentException(field + " is not a string");
        return v.asText();
    }
}
