package dev.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.QcConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.control.Control;
import dev.vigil.daemon.Vigil;
import dev.vigil.rules.GroupRule;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset for the review page (issue 13, section 3): the samples the sampler kept, read and labelled.
 * <pre>
 * GET  /api/samples?state=unlabelled|labelled|all&amp;camera=&amp;strategy=&amp;label=&amp;from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;offset=0&amp;limit=50
 *                                     newest first: {"total", "offset", "limit", "items": [sample + image_url], "cameras"}
 * GET  /api/samples/{id}/image.jpg    the frame as kept
 * POST /api/samples/{id}/label        {"labels": [{"label": "cat", "box": [xmin, ymin, xmax, ymax]}]}   200, 400, 404, 409
 * POST /api/samples/{id}/delete       (empty)                                                         200, 404, 409
 * </pre>
 * The POSTs pass the same gate as the other commands (credential, {@code X-Vigil-Request}). Labels go through
 * {@link SampleStore#label}, which rewrites only the sample's JSON, atomically.
 */
final class SampleRoutes {

    private static final Logger log = LoggerFactory.getLogger(SampleRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DEFAULT_LIMIT = 50, MAX_LIMIT = 200, MAX_BODY = 64 * 1024, MAX_LABELS = 500, MAX_LABEL_CHARS = 100;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");

    private final Vigil vigil; // null: nothing wired (a server without a daemon)

    SampleRoutes(Vigil vigil) {
        this.vigil = vigil;
    }

    /** Whether {@code path} is a sample command (label, delete), whatever the method. */
    static boolean isCommand(String path) {
        String[] seg = path.split("/", -1);
        return seg.length == 5 && seg[0].isEmpty() && seg[1].equals("api") && seg[2].equals("samples") && !seg[3].isEmpty()
                && (seg[4].equals("label") || seg[4].equals("delete"));
    }

    /** Serves GET /api/samples and /api/samples/{id}/image.jpg; false when the path is neither. */
    boolean read(Exchange ex) throws IOException {
        String path = ex.path();
        if (path.equals("/api/samples")) {
            list(ex);
            return true;
        }
        String[] seg = path.split("/", -1);
        if (seg.length == 5 && seg[0].isEmpty() && seg[1].equals("api") && seg[2].equals("samples") && seg[4].equals("image.jpg")
                && ID.matcher(seg[3]).matches()) {
            image(ex, seg[3]);
            return true;
        }
        return false;
    }

    private SampleStore store() { return vigil == null ? null : vigil.samples(); }

    private void list(Exchange ex) throws IOException {
        Map<String, String> q = query(ex.query());
        String state = q.getOrDefault("state", "unlabelled");
        if (!List.of("unlabelled", "labelled", "all").contains(state)) {
            ex.text(400, "state: \"" + shorten(state) + "\" is not one of unlabelled, labelled, all\n");
            return;
        }
        int offset, limit;
        LocalDate from, to;
        try {
            offset = number(q, "offset", 0, 0, Integer.MAX_VALUE);
            limit = number(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            from = day(q, "from");
            to = day(q, "to");
        } catch (IllegalArgumentException e) {
            ex.text(400, e.getMessage() + "\n");
            return;
        }
        SampleStore store = store();
        List<Sample> all = store == null ? List.of() : store.list();
        List<Sample> chosen = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) { // newest first
            Sample s = all.get(i);
            if (state.equals("unlabelled") && s.labelled() || state.equals("labelled") && !s.labelled()) continue;
            if (q.containsKey("camera") && !s.camera().equals(q.get("camera"))) continue;
            if (q.containsKey("strategy") && !s.strategy().equals(q.get("strategy")) && !s.matched().contains(q.get("strategy"))) continue;
            if (q.containsKey("label") && !hasLabel(s, q.get("label"))) continue;
            LocalDate day = s.time().atZone(ZoneOffset.UTC).toLocalDate();
            if (from != null && day.isBefore(from) || to != null && day.isAfter(to)) continue;
            chosen.add(s);
        }
        ObjectNode out = JSON.createObjectNode().put("sampling", store != null).put("total", chosen.size()).put("offset", offset).put("limit", limit);
        ArrayNode items = out.putArray("items");
        int end = (int) Math.min(chosen.size(), (long) offset + limit);
        for (Sample s : chosen.subList(Math.min(offset, end), end)) {
            ObjectNode n = (ObjectNode) JSON.readTree(s.toJson());
            n.put("image_url", "/api/samples/" + s.id() + "/image.jpg");
            items.add(n);
        }
        out.set("cameras", cameras());
        ex.header("Cache-Control", "no-store").json(200, out);
    }

    private static boolean hasLabel(Sample s, String label) {
        for (Sample.Box b : s.predictions()) if (b.label().equalsIgnoreCase(label)) return true;
        if (s.labels() != null) for (Sample.Box b : s.labels()) if (b.label().equalsIgnoreCase(label)) return true;
        return false;
    }

    /** Per camera, the classes a person picks from: the labels of its groups, and a QC station's OK and NG labels. */
    private ObjectNode cameras() {
        ObjectNode out = JSON.createObjectNode();
        if (vigil == null) return out;
        VigilConfig cfg = vigil.config();
        for (CameraConfig c : cfg.enabledCameras()) {
            ObjectNode n = out.putObject(c.name());
            TreeSet<String> classes = new TreeSet<>();
            for (GroupRule g : c.rules().groups().values()) classes.addAll(g.labels());
            QcConfig qc = cfg.qc().get(c.name());
            if (qc != null) {
                classes.addAll(qc.okLabels());
                classes.addAll(qc.ngLabels());
                ObjectNode o = n.putObject("qc");
                new TreeSet<>(qc.okLabels()).forEach(o.putArray("ok")::add);
                new TreeSet<>(qc.ngLabels()).forEach(o.putArray("ng")::add);
            }
            classes.forEach(n.putArray("classes")::add);
        }
        return out;
    }

    private void image(Exchange ex, String id) throws IOException {
        SampleStore store = store();
        if (store == null || !store.contains(id)) {
            ex.text(404, "no sample " + shorten(id) + "\n");
            return;
        }
        try {
            ex.header("Cache-Control", "max-age=86400, immutable").send(200, "image/jpeg", Files.readAllBytes(store.jpeg(id)));
        } catch (NoSuchFileException e) {
            ex.text(404, "sample " + id + " was deleted\n");
        }
    }

    /** A POST that passed the gate: label or delete. */
    void command(Exchange ex) throws IOException {
        String[] seg = ex.path().split("/", -1);
        String id = seg[3], command = "samples/" + shorten(id) + "/" + seg[4];
        String body = ex.body(MAX_BODY);
        if (body == null) {
            ControlRoutes.refuse(ex, command, 413, "the body is longer than " + MAX_BODY + " bytes");
            return;
        }
        SampleStore store = store();
        if (store == null) {
            ControlRoutes.refuse(ex, command, 409, "sampling is off (sampling: {enabled: true} keeps samples to label)");
            return;
        }
        Sample s = ID.matcher(id).matches() ? store.get(id) : null;
        if (s == null) {
            ControlRoutes.refuse(ex, command, 404, "no sample " + shorten(id));
            return;
        }
        if (seg[4].equals("delete")) {
            store.delete(id);
            ex.json(200, answer(ex, command, "sample " + id + " deleted"));
            return;
        }
        List<Sample.Box> labels;
        try {
            labels = labels(body, s.detector());
        } catch (IllegalArgumentException e) {
            ControlRoutes.refuse(ex, command, 400, e.getMessage());
            return;
        }
        if (!store.label(id, labels)) {
            ControlRoutes.refuse(ex, command, 404, "sample " + id + " was deleted");
            return;
        }
        ex.json(200, answer(ex, command, "sample " + id + " labelled: " + (labels.isEmpty() ? "nothing there"
                : labels.size() + (s.detector() ? " box(es)" : " class") + " " + labels.stream().map(Sample.Box::label).toList())));
    }

    /**
     * The labels of a body: {@code {"labels": [...]}} or the bare list; each {@code {"label", "box"}}, a box of a
     * detector's sample as xmin, ymin, xmax, ymax within 0..1, none for a classifier's (its class is the whole frame).
     */
    static List<Sample.Box> labels(String body, boolean detector) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON; send {\"labels\": [{\"label\": \"cat\", \"box\": [0.1, 0.2, 0.5, 0.9]}]}");
        }
        JsonNode list = n != null && n.isObject() ? n.get("labels") : n;
        if (list == null || !list.isArray()) throw new IllegalArgumentException("labels: give a list ([] when nothing is there)");
        if (list.size() > MAX_LABELS) throw new IllegalArgumentException("labels: " + list.size() + " is more than " + MAX_LABELS);
        List<Sample.Box> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode b = list.get(i);
            String key = "labels[" + i + "]";
            String label = b.path("label").isTextual() ? b.get("label").asText().strip() : "";
            if (label.isEmpty() || label.length() > MAX_LABEL_CHARS)
                throw new IllegalArgumentException(key + ".label: give the class as text of 1.." + MAX_LABEL_CHARS + " characters");
            JsonNode box = b.get("box");
            if (!detector) {
                if (box != null && !box.isNull()) throw new IllegalArgumentException(key + ".box: a classifier's label is the whole frame; send no box");
                out.add(new Sample.Box(label, 1, null));
                continue;
            }
            if (box == null || !box.isArray() || box.size() != 4)
                throw new IllegalArgumentException(key + ".box: give [xmin, ymin, xmax, ymax] within 0..1");
            double[] c = new double[4];
            for (int k = 0; k < 4; k++) {
                if (!box.get(k).isNumber() || box.get(k).asDouble() < 0 || box.get(k).asDouble() > 1)
                    throw new IllegalArgumentException(key + ".box: " + box + " is not within 0..1");
                c[k] = box.get(k).asDouble();
            }
            if (c[2] <= c[0] || c[3] <= c[1]) throw new IllegalArgumentException(key + ".box: " + box + " has xmax <= xmin or ymax <= ymin");
            out.add(new Sample.Box(label, 1, c));
        }
        return out;
    }

    private static ObjectNode answer(Exchange ex, String command, String message) {
        log.info("http: command {} from {}: {}", command, ex.client(), message);
        return JSON.createObjectNode().put("ok", true).put("command", command).put("message", message);
    }

    private static Map<String, String> query(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        if (q == null) return out;
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8).strip();
            if (!v.isEmpty()) out.put(kv.substring(0, eq), v);
        }
        return out;
    }

    private static int number(Map<String, String> q, String key, int dflt, int min, int max) {
        String v = q.get(key);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(key + ": \"" + shorten(v) + "\" is not a whole number " + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max));
    }

    private static LocalDate day(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null) return null;
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": \"" + shorten(v) + "\" is not a day like 2026-11-30 (UTC)");
        }
    }

    private static String shorten(String s) { return Control.shorten(s); }
}
