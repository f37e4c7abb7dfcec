package dev.vigil.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The head file, {@code <name>.head.json}: plain JSON, readable by anything (README, "Learned models").
 * <pre>
 * {"format": "vigil-head", "version": 1, "name": "washers", "kind": "imprinting" | "softmax", "scale": 30.0,
 *  "labels": ["notch", "ok"], "dim": 1024, "weights": [[1024 floats], ...one row per label], "bias": [one per label],
 *  "center": [1024 floats] or null, "power": 0.5 (optional, 1 when absent),
 *  "extractor": {"name": "mobilenet_v1_embedding_extractor", "file": "...tflite", "sha256": "...", "path": "..."},
 *  "roi": [x, y, w, h] or null, "dataset": {"id": "...", "source": "..."}, "trained": "2026-11-30T04:00:00Z",
 *  "validation": {"imprinting": 0.95, "softmax": 0.97, "examples": 40}}
 * </pre>
 * probabilities = softmax(scale * (weights . x + bias)), x = (p - center) / |p - center| (x = p when center is null),
 * p = e^power / |e^power| elementwise (p = e when power is 1),
 * e the L2-normalised output of the extractor on the frame (cropped to roi in the 224x224 input tensor, then resized back).
 */
final class HeadFile {

    static final String FORMAT = "vigil-head";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeadFile() {}

    /** Writes {@code file} atomically (temporary name, then a rename), so a running daemon never reads half a head. */
    static void write(Path file, LearnedModel m) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT).put("version", 1).put("name", m.name()).put("kind", m.head().kind().word())
                .put("scale", m.head().scale()).put("power", m.head().power());
        ArrayNode labels = n.putArray("labels");
        m.head().labels().forEach(labels::add);
        n.put("dim", m.head().dim());
        ArrayNode weights = n.putArray("weights");
        for (float[] row : m.head().weights()) {
            ArrayNode r = weights.addArray();
            for (float v : row) r.add(v);
        }
        ArrayNode bias = n.putArray("bias");
        for (float v : m.head().bias()) bias.add(v);
        if (m.head().center() == null) n.putNull("center");
        else {
            ArrayNode center = n.putArray("center");
            for (float v : m.head().center()) center.add(v);
        }
        ObjectNode ex = n.putObject("extractor");
        ex.put("name", m.extractor().name()).put("file", m.extractor().file()).put("sha256", m.extractor().sha256())
                .put("path", m.extractor().path());
        if (m.roi() == null) n.putNull("roi");
        else n.putArray("roi").add(m.roi().x()).add(m.roi().y()).add(m.roi().w()).add(m.roi().h());
        n.putObject("dataset").put("id", m.datasetId()).put("source", m.datasetSource());
        n.put("trained", m.trained().toString());
        ObjectNode v = n.putObject("validation");
        m.validation().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> v.put(e.getKey(), e.getValue()));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a head file; anything missing or inconsistent is one line naming the file and the key. */
    static LearnedModel read(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("head file " + file + " cannot be read: " + oneLine(e.getMessage()) + "; run vigil learn again");
        }
        if (n == null || !FORMAT.equals(n.path("format").asText()))
            throw new IllegalArgumentException("head file " + file + " is not a vigil head (format is not \"" + FORMAT + "\"); run vigil learn again");
        if (n.path("version").asInt() != 1)
            throw new IllegalArgumentException("head file " + file + " has version " + n.path("version") + "; this vigil reads version 1");
        try {
            Head.Kind kind = Head.Kind.valueOf(text(n, "kind").toUpperCase(java.util.Locale.ROOT));
            List<String> labels = new ArrayList<>();
            for (JsonNode l : n.path("labels")) labels.add(l.asText());
            int dim = n.path("dim").asInt();
            float[][] w = new float[labels.size()][];
            for (int c = 0; c < labels.size(); c++) {
                JsonNode row = n.path("weights").path(c);
                if (row.size() != dim) throw new IllegalArgumentException("weights[" + c + "] has " + row.size() + " values, dim is " + dim);
                w[c] = new float[dim];
                for (int i = 0; i < dim; i++) w[c][i] = (float) row.get(i).asDouble();
            }
            float[] bias = new float[labels.size()];
            for (int c = 0; c < labels.size(); c++) bias[c] = (float) n.path("bias").path(c).asDouble();
            float[] center = null;
            if (n.path("center").isArray()) {
                if (n.path("center").size() != dim) throw new IllegalArgumentException("center has " + n.path("center").size() + " values, dim is " + dim);
                center = new float[dim];
                for (int i = 0; i < dim; i++) center[i] = (float) n.path("center").get(i).asDouble();
            }
            Head head = new Head(kind, (float) n.path("scale").asDouble(), labels, w, bias, center, (float) n.path("power").asDouble(1));
            JsonNode ex = n.path("extractor");
            LearnedModel.Extractor extractor = new LearnedModel.Extractor(text(ex, "name"), text(ex, "file"), text(ex, "sha256"), ex.path("path").asText(""));
            JsonNode r = n.path("roi");
            Roi roi = r.isArray() ? new Roi(r.get(0).asDouble(), r.get(1).asDouble(), r.get(2).asDouble(), r.get(3).asDouble()) : null;
            Map<String, Double> validation = new LinkedHashMap<>();
            n.path("validation").properties().forEach(e -> validation.put(e.getKey(), e.getValue().asDouble()));
            return new LearnedModel(text(n, "name"), head, extractor, roi, n.path("dataset").path("id").asText(""),
                    n.path("dataset").path("source").asText(""), Instant.parse(text(n, "trained")), validation);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("head file " + file + ": " + oneLine(e.getMessage()) + "; run vigil learn again");
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull() || v.asText().isEmpty()) throw new IllegalArgumentException(key + " is missing");
        return v.asText();
    }

    private static String oneLine(String s) { return s == null ? "" : s.lines().findFirst().orElse(""); }
}
