package dev.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code vigil check-config --print-defaults}: every key with its default, made by the readers themselves so it cannot
 * go stale. A skeleton config ({@link #SKELETON}) holds only what has no default (a source, a pin, a label) and one of
 * each optional part (a zone, an input, each kind of action); the readers fill in every other key with its default
 * (see {@link Effective}), and say what a key takes (a word list, milliseconds, a size). Whether a skeleton value is
 * required is found by reading the skeleton without it. Only the meaning of each key is written by hand, in
 * {@code /config/reference.txt}, and a test fails when a key has none or a meaning has no key.
 */
public final class ConfigReference {

    /** The folder the skeleton's relative paths start at; shown as {@code ./}. */
    private static final Path BASE = Path.of("/CONFIG-FOLDER");
    private static final String MEANINGS = "/config/reference.txt";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/.][A-Za-z0-9_./:@-]*");
    private static final Set<String> YAML_WORDS = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");

    /** Only what has no default, and one of each optional part; every camera after the first shows only its source. */
    static final String SKELETON = """
            edgetpu_device: usb
            labels: labels.txt
            models: { mirror: /srv/vigil-mirror }
            http: { auth: token }
            cameras:
              door:
                source: { stream: "rtsp://192.168.1.20:554/stream1" }
                groups: { person: { labels: [person] }, beagle: { labels: [dog], sub_labels: [beagle] } }
                second_stage: { model: mobilenet_v2_quant, labels: [dog] }
                zones: [ { name: door, points: [[0.3, 0.45], [0.75, 0.45], [0.95, 1.0], [0.1, 1.0]] } ]
                masks: [ { name: street, points: [[0.7, 0.0], [1.0, 0.0], [1.0, 0.35], [0.7, 0.35]] } ]
              usb:
                source: { device: /dev/video0, pixel_format: mjpeg }
                groups: { part: { labels: [hotdog] } }
              clip:
                source: { file: clip.mp4 }
                groups: { person: { labels: [person] } }
              photos:
                source: { folder: photos }
                groups: { person: { labels: [person] } }
              picam:
                source: { command: "rpicam-vid -t 0 --codec mjpeg -o -", env: { LIBCAMERA_LOG_LEVELS: "*:ERROR" } }
                groups: { person: { labels: [person] } }
            alarm: { groups: [person] }
            mqtt: { url: "mqtts://broker.lan:8883", device: doorbell, username: vigil, password: change-me }
            webhooks: [ { url: "https://hooks.lan/vigil", headers: { Authorization: "Bearer change-me" } } ]
            qc:
              usb: { trigger: barrier, reject: pusher, ok_labels: [hotdog], ng_labels: [pizza] }
            gpio:
              outputs:
                relay: { pin: 24, kind: relay }
                pusher: { pin: 25, kind: relay }
              inputs:
                arm: { pin: 17, kind: arm }
                pir: { pin: 27, kind: wake }
                barrier: { pin: 5, kind: trigger }
                wrong: { pin: 6, kind: wrong }
              heartbeat: { pin: 22 }
              actions:
                - { group: person, output: relay, pulse_ms: 2000 }
                - { state: triggered, output: relay, latch: true }
                - { group: person, camera: door, output: relay, pattern: {} }
            logging: { file: { path: /var/log/vigil/vigil.log } }
            sampling:
              cameras: { door: { strategies: { random: { share: 0.05 } } } }
              upload: { s3: { endpoint: "https://minio.lan:9000", bucket: vigil-datasets }, device: doorbell }
            """;

    private ConfigReference() {}

    /** The reference: YAML, each key under a comment with its meaning, what it takes, and whether it has a default. */
    public static String yaml() {
        Effective read = new Effective();
        ObjectNode tree = read(read);
        Map<String, String> meanings = meanings();
        Map<String, String> given = givenLeaves();
        StringBuilder out = new StringBuilder("""
                # vigil configuration: every key, with its default where it has one.
                # Generated by `vigil check-config --print-defaults` from the config readers themselves.
                # A value marked "required" or "optional" is an example; every other value is the default.
                # Cameras after the first show only their source (one of each kind); their other keys are as for the first.
                """);
        emit(tree, "", "", out, meanings, read.hints(), given);
        return out.toString();
    }

    /** Every key path of the reference ({@code cameras.door.zones[].name}), for the test that each has a meaning. */
    static Set<String> paths() {
        Set<String> out = new TreeSet<>();
        collect(read(new Effective()), "", out);
        return out;
    }

    /** The skeleton as the readers read it, every camera after the first cut down to its source. */
    private static ObjectNode read(Effective into) {
        ConfigLoader.parse(SKELETON, BASE, Map.of(), into);
        ObjectNode tree = into.tree();
        boolean first = true;
        for (var e : tree.get("cameras").properties()) {
            if (!first) ((ObjectNode) e.getValue()).retain("source");
            first = false;
        }
        return tree;
    }

    private static void collect(JsonNode n, String path, Set<String> out) {
        if (n instanceof ObjectNode o) {
            for (var e : o.properties()) {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.add(p);
                collect(e.getValue(), p, out);
            }
        } else if (n instanceof ArrayNode a && !a.isEmpty() && a.get(0).isObject()) {
            for (JsonNode item : a) collect(item, path + "[]", out);
        }
    }

    /** The meaning of each key path, from the resource: {@code path: meaning} lines, {@code #} comments. */
    static Map<String, String> meanings() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = ConfigReference.class.getResourceAsStream(MEANINGS)) {
            if (in == null) throw new IllegalStateException(MEANINGS + " is missing from the classpath; rebuild the jar");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int colon = line.indexOf(": ");
                if (colon < 0) throw new IllegalStateException(MEANINGS + ": not 'path: meaning': " + line);
                out.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Each value the skeleton gives, by path: "required" when the skeleton without it does not read, else "optional". */
    private static Map<String, String> givenLeaves() {
        JsonNode skeleton;
        try {
            skeleton = YAML.readTree(SKELETON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the skeleton is not YAML", e);
        }
        List<String[]> leaves = new ArrayList<>();
        leaves(skeleton, "", new ArrayList<>(), leaves);
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] leaf : leaves) {
            JsonNode without = skeleton.deepCopy();
            JsonNode parent = without;
            for (int i = 1; i < leaf.length - 1; i++) parent = parent.isArray() ? parent.get(Integer.parseInt(leaf[i])) : parent.get(leaf[i]);
            ((ObjectNode) parent).remove(leaf[leaf.length - 1]);
            String required;
            try {
                ConfigLoader.parse(YAML.writeValueAsString(without), BASE, Map.of());
                required = "optional";
            } catch (ConfigException e) {
                required = "required";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.put(leaf[0], required);
        }
        return out;
    }

    /** Collects each scalar (or list of scalars) as {path, step, step, ..., key}. */
    private static void leaves(JsonNode n, String path, List<String> steps, List<String[]> out) {
        if (n instanceof ObjectNode o) {
            for (var e : o.properties()) {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                List<String> s = new ArrayList<>(steps);
                s.add(e.getKey());
                JsonNode v = e.getValue();
                if (v.isObject() || (v.isArray() && !v.isEmpty() && v.get(0).isObject())) leaves(v, p, s, out);
                else {
                    List<String> all = new ArrayList<>();
                    all.add(p);
                    all.addAll(s);
                    out.add(all.toArray(String[]::new));
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                List<String> s = new ArrayList<>(steps);
                s.add(Integer.toString(i));
                leaves(a.get(i), path + "[]", s, out);
            }
        }
    }

    private static void emit(JsonNode n, String path, String indent, StringBuilder out, Map<String, String> meanings,
                             Map<String, String> hints, Map<String, String> given) {
        boolean firstOfItem = indent.endsWith("- ");
        String pad = firstOfItem ? indent.substring(0, indent.length() - 2) + "  " : indent;
        for (var e : n.properties()) {
            String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode v = e.getValue();
            String lead = firstOfItem ? indent : pad;
            firstOfItem = false;
            StringBuilder note = new StringBuilder(meanings.getOrDefault(p, "(no meaning written yet: add it to " + MEANINGS + ")"));
            String hint = hints.get(p);
            if (hint != null) note.append("; ").append(hint);
            String g = given.get(p);
            if (g != null) note.append("; ").append(g).append(", no default");
            out.append(pad).append("# ").append(note).append('\n');
            if (v.isObject() && !v.isEmpty()) {
                out.append(lead).append(e.getKey()).append(":\n");
                emit(v, p, pad + "  ", out, meanings, hints, given);
            } else if (v.isArray() && !v.isEmpty() && v.get(0).isObject()) {
                out.append(lead).append(e.getKey()).append(":\n");
                for (JsonNode item : v) emit(item, p + "[]", pad + "  - ", out, meanings, hints, given);
            } else {
                out.append(lead).append(e.getKey()).append(": ").append(scalar(v)).append('\n');
            }
        }
    }

    /** A value in YAML flow style: plain words bare, other text JSON-quoted (valid YAML), lists in brackets. */
    private static String scalar(JsonNode v) {
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode i : v) items.add(scalar(i));
            return "[" + String.join(", ", items) + "]";
        }
        if (v.isObject()) return "{}";
        if (!v.isTextual()) return v.asText();
        String s = v.asText();
        String base = BASE.toString() + "/";
        if (s.startsWith(base)) s = "./" + s.substring(base.length());
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))) return s;
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
