package dev.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.capture.SourceSpec;
import dev.vigil.inference.Delegate;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.GroupRule;
import dev.vigil.rules.Polygon;
import java.io.IOException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the daemon's YAML configuration into a checked {@link VigilConfig}. Any problem is a {@link ConfigException}
 * whose message is one line starting with the key path and showing the bad value, e.g.
 * {@code cameras.door.groups.person.min_score: 1.5 is not within 0..1}. Unknown keys are errors (a typo never
 * silently becomes a default), {@code ${VAR}} and {@code ${VAR:-default}} are taken from the environment, and
 * relative paths are resolved against the config file's folder. Whether the model exists is not checked here: the
 * daemon resolves it against the catalog.
 */
public final class ConfigLoader {

    /** The top-level keys; a later section (gpio, mqtt) is added here and read in {@link #read}. */
    static final List<String> TOP_KEYS = List.of("model", "threads", "engine", "delegate", "edgetpu_device", "labels",
            "models", "http", "events", "cameras", "alarm", "qc", "gpio", "power", "logging");

    /** The variable the embedded demo's folder source reads; {@link #demo} sets it. */
    public static final String DEMO_IMAGES_VARIABLE = "VIGIL_TEST_IMAGES";
    static final String DEMO_RESOURCE = "/config/demo.yaml";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();
    private static final ObjectMapper YAML_OUT = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private ConfigLoader() {}

    /** Reads a config file with the process environment. Errors carry the file ({@link ConfigException#located()}). */
    public static VigilConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Reads a config file with the given environment (for tests and for callers that add variables). */
    public static VigilConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            if (Files.isDirectory(file)) throw new ConfigException("is a folder; give a YAML file (see config/ for examples)");
            // A strict decoder: a config saved as Latin-1 is an error, not a label with a replacement character.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException("no such file; give an existing YAML file (see config/ for examples)").in(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException("is not UTF-8 text; save the config as UTF-8").in(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")").in(file);
        } catch (ConfigException e) {
            throw e.in(file);
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        try {
            VigilConfig c = parse(text, base, env);
            return new VigilConfig(Optional.of(file), c.inference(), c.http(), c.events(), c.cameras(), c.alarm(), c.qc(), c.gpio(),
                    c.power(), c.logging(), c.warnings());
        } catch (ConfigException e) {
            throw e.in(file);
        }
    }

    /**
     * Reads config text.
     *
     * @param baseDir relative paths are resolved against it (the config file's folder)
     * @param env     the environment {@code ${VAR}} reads
     */
    public static VigilConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(yamlError(e));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException("config: is empty; expected a mapping with at least cameras:");
        }
        Map<JsonNode, String> unsubstituted = new IdentityHashMap<>();
        EnvSubstitution.apply(tree, env, unsubstituted);
        ConfigNode root = ConfigNode.root(tree, new ConfigNode.Context(baseDir.toAbsolutePath().normalize(), unsubstituted));
        return read(root);
    }

    /**
     * The embedded default: one camera replaying the test images in a loop (see {@code config/demo.yaml}), events in
     * {@code ./events} of the working directory.
     *
     * @param images the folder of test images, or a folder holding {@code test-images/} (the shared data or a mirror)
     */
    public static VigilConfig demo(Path images) {
        Path dir = Files.isDirectory(images.resolve("test-images")) ? images.resolve("test-images") : images;
        return parse(demoText(), Path.of("").toAbsolutePath(), Map.of(DEMO_IMAGES_VARIABLE, dir.toAbsolutePath().toString()));
    }

    static String demoText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) throw new IllegalStateException(DEMO_RESOURCE + " is missing from the classpath; rebuild the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + DEMO_RESOURCE, e);
        }
    }

    /** The text with credentials in its URLs masked ({@code rtsp://user:***@host/...}); see {@link Redaction}. */
    public static String redact(String text) {
        return Redaction.redact(text);
    }

    // ---- reading ----

    private static VigilConfig read(ConfigNode root) {
        root.mapping("settings (" + String.join(", ", TOP_KEYS) + ")").allowOnly(TOP_KEYS);
        InferenceConfig inference = inference(root);
        HttpConfig http = http(root.get("http"));
        EventsConfig events = events(root);
        Map<String, CameraConfig> cameras = cameras(root.get("cameras"));
        List<String> warnings = new ArrayList<>();
        AlarmConfig alarm = DecisionReader.alarm(DecisionReader.section(root, "alarm", warnings), cameras);
        GpioConfig gpio = GpioReader.read(root.get("gpio"), cameras);
        Map<String, QcConfig> qc = DecisionReader.qc(DecisionReader.section(root, "qc", warnings), gpio, root.get("gpio"), cameras, events.dir());
        return new VigilConfig(Optional.empty(), inference, http, events, cameras, alarm, qc, gpio,
                ObservabilityReader.power(root.get("power")), ObservabilityReader.logging(root.get("logging")), List.copyOf(warnings));
    }

    private static InferenceConfig inference(ConfigNode root) {
        ConfigNode m = root.get("model");
        String model = m.text(InferenceConfig.DEFAULT_MODEL).strip();
        // A path is resolved like every other path; a catalog name is passed on as written.
        if (model.contains("/") || model.contains("\\") || model.endsWith(".tflite")) model = m.path(null).toString();
        int threads = root.get("threads").integer(InferenceConfig.DEFAULT_THREADS);
        InferenceConfig.Engine engine = InferenceConfig.Engine.valueOf(
                root.get("engine").oneOf("tflite", InferenceConfig.Engine.words()).toUpperCase(Locale.ROOT));
        ConfigNode d = root.get("delegate");
        Delegate delegate;
        try {
            delegate = Delegate.parse(d.text("cpu").strip());
        } catch (IllegalArgumentException e) {
            throw d.fail(d.show() + " is not one of " + String.join(", ", InferenceConfig.DELEGATES));
        }
        ConfigNode tpu = root.get("edgetpu_device");
        Optional<String> edgetpuDevice = tpu.missing() ? Optional.empty() : Optional.of(tpu.text("").strip());
        Optional<Path> labels = Optional.ofNullable(root.get("labels").path(null));
        ConfigNode models = root.get("models");
        Optional<Path> mirror = Optional.empty();
        if (!models.missing()) {
            models.mapping("model store settings (mirror)").allowOnly(List.of("mirror"));
            mirror = Optional.ofNullable(models.get("mirror").path(null));
        }
        String theModel = model;
        Optional<Path> theMirror = mirror;
        return root.make(() -> new InferenceConfig(theModel, threads, engine, delegate, edgetpuDevice, labels, theMirror));
    }

    private static HttpConfig http(ConfigNode n) {
        if (n.missing()) return HttpConfig.DEFAULT;
        n.mapping("HTTP settings (listen)").allowOnly(List.of("listen"));
        ConfigNode l = n.get("listen");
        if (l.missing()) return HttpConfig.DEFAULT;
        String s = l.requiredText("host:port, e.g. 127.0.0.1:8089").strip();
        // Only the split into host and port is done here; HttpConfig checks what they hold.
        int colon = s.startsWith("[") ? s.indexOf("]:") + 1 : s.lastIndexOf(':');
        if (colon <= 0 || (!s.startsWith("[") && s.indexOf(':') != colon)) throw notHostPort(l);
        String host = s.startsWith("[") ? s.substring(1, colon - 1) : s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw notHostPort(l);
        }
        return n.make(() -> new HttpConfig(host, port));
    }

    private static ConfigException notHostPort(ConfigNode l) {
        return l.fail(l.show() + " is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089");
    }

    private static EventsConfig events(ConfigNode root) {
        ConfigNode n = root.get("events");
        Path defaultDir = root.context().baseDir().resolve("events");
        if (n.missing()) return new EventsConfig(defaultDir, EventsConfig.DEFAULT_RETENTION);
        n.mapping("event settings (dir, retention)").allowOnly(List.of("dir", "retention"));
        Path dir = n.get("dir").path(defaultDir);
        ConfigNode r = n.get("retention");
        dev.vigil.events.Retention d = EventsConfig.DEFAULT_RETENTION;
        if (r.missing()) return new EventsConfig(dir, d);
        r.mapping("retention limits (max_count, max_bytes, max_age)").allowOnly(List.of("max_count", "max_bytes", "max_age"));
        int count = r.get("max_count").integer(d.maxCount());
        long bytes = r.get("max_bytes").bytes(d.maxBytes());
        Duration age = r.get("max_age").age(d.maxAge());
        return n.make(() -> new EventsConfig(dir, count, bytes, age));
    }

    private static Map<String, CameraConfig> cameras(ConfigNode n) {
        String hint = "camera name to settings, e.g. door: {source: {stream: rtsp://...}, groups: {person: {labels: [person]}}}";
        if (n.missing()) throw n.fail("missing; give at least one " + hint);
        Map<String, ConfigNode> entries = n.entries(hint);
        if (entries.isEmpty()) throw n.fail("is empty; give at least one " + hint);
        Map<String, CameraConfig> out = new LinkedHashMap<>();
        for (var e : entries.entrySet()) out.put(e.getKey(), CameraReader.read(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(out);
    }

    private static String yamlError(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? "invalid" : e.getOriginalMessage();
        var loc = e.getLocation();
        String at = loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        Matcher dup = DUPLICATE.matcher(msg);
        if (dup.find()) {
            // The parser stands after the second value: its line is right, its column is not the key's.
            return "config: key '" + dup.group(1) + "' appears twice" + (loc == null ? "" : " (line " + loc.getLineNr() + ")");
        }
        // SnakeYAML's message opens with the context ("while parsing a flow node"); the problem and its place say more.
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            var mark = y.getProblemMark();
            String where = mark == null ? at : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            return "config: not valid YAML" + (where.isEmpty() ? "" : " at " + where) + ": " + y.getProblem();
        }
        String first = msg.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("invalid");
        return "config: not valid YAML" + (at.isEmpty() ? "" : " at " + at) + ": " + first;
    }

    // ---- writing ----

    /**
     * The configuration as YAML in the file's own shape, with every default filled in and credentials masked: for
     * {@code vigil check-config --print} and the daemon's start-up log. It reads back to the same configuration.
     */
    public static String toYaml(VigilConfig c) {
        ObjectNode root = YAML_OUT.createObjectNode();
        InferenceConfig inf = c.inference();
        root.put("model", inf.model());
        root.put("threads", inf.threads());
        root.put("engine", inf.engine().word());
        root.put("delegate", InferenceConfig.word(inf.delegate()));
        inf.edgetpuDevice().ifPresent(d -> root.put("edgetpu_device", d));
        inf.labels().ifPresent(p -> root.put("labels", p.toString()));
        inf.mirror().ifPresent(p -> root.putObject("models").put("mirror", p.toString()));
        root.putObject("http").put("listen", c.http().listen());
        ObservabilityReader.write(root, c.power(), c.logging());
        ObjectNode ev = root.putObject("events");
        ev.put("dir", c.events().dir().toString());
        ObjectNode ret = ev.putObject("retention");
        ret.put("max_count", c.events().retention().maxCount());
        ret.put("max_bytes", c.events().retention().maxBytes());
        ret.put("max_age", age(c.events().retention().maxAge()));
        ObjectNode cams = root.putObject("cameras");
        for (CameraConfig cam : c.cameras().values()) writeCamera(cams.putObject(cam.name()), cam);
        DecisionReader.write(root, c.alarm(), c.qc());
        if (c.gpio().present()) GpioWriter.write(root.putObject("gpio"), c.gpio());
        try {
            return YAML_OUT.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config as YAML", e);
        }
    }

    private static void writeCamera(ObjectNode n, CameraConfig cam) {
        n.put("enabled", cam.enabled());
        ObjectNode s = n.putObject("source");
        switch (cam.source()) {
            case SourceSpec.Device d -> {
                s.put("device", d.path());
                s.put("width", d.width());
                s.put("height", d.height());
                putNumber(s, "fps", d.fps());
                if (d.pixelFormat() != null) s.put("pixel_format", d.pixelFormat());
            }
            case SourceSpec.Stream st -> {
                s.put("stream", Redaction.redact(st.url()));
                s.put("transport", st.transport());
                putNumber(s, "connect_timeout_s", seconds(st.connectTimeout()));
                putNumber(s, "read_timeout_s", seconds(st.readTimeout()));
            }
            case SourceSpec.VideoFile f -> {
                s.put("file", f.path().toString());
                s.put("loop", f.loop());
                putNumber(s, "fps", f.fps());
            }
            case SourceSpec.Folder f -> {
                s.put("folder", f.path().toString());
                putNumber(s, "fps", f.fps());
                s.put("loop", f.loop());
            }
            case SourceSpec.Command cmd -> {
                ArrayNode argv = s.putArray("command");
                cmd.argv().forEach(a -> argv.add(Redaction.redact(a)));
                s.put("restart", cmd.restart());
            }
        }
        CameraRules r = cam.rules();
        ObjectNode groups = n.putObject("groups");
        for (GroupRule g : r.groups().values()) {
            ObjectNode gn = groups.putObject(g.name());
            ArrayNode labels = gn.putArray("labels");
            g.labels().forEach(labels::add);
            gn.put("min_score", decimal(g.minScore()));
            gn.put("min_area", decimal(g.minArea()));
            gn.put("max_area", decimal(g.maxArea()));
        }
        if (!r.zones().isEmpty()) writePolygons(n.putArray("zones"), r.zones());
        if (!r.masks().isEmpty()) writePolygons(n.putArray("masks"), r.masks());
        n.putObject("confirm").put("frames", r.confirm().frames()).put("of", r.confirm().of());
        putNumber(n, "cooldown_s", seconds(r.cooldown()));
        n.put("tracking", r.tracking());
        n.put("track_iou", decimal(r.trackIou()));
        MotionConfig m = cam.motion();
        n.putObject("motion").put("enabled", m.enabled()).put("threshold", m.threshold())
                .put("min_area", decimal(m.minArea())).put("scale_width", m.scaleWidth());
    }

    private static void writePolygons(ArrayNode out, List<Polygon> polygons) {
        for (Polygon p : polygons) {
            ObjectNode pn = out.addObject();
            pn.put("name", p.name());
            ArrayNode pts = pn.putArray("points");
            for (int i = 0; i < p.xs().length; i++) pts.addArray().add(decimal(p.xs()[i])).add(decimal(p.ys()[i]));
        }
    }

    /** A float as its shortest decimal (0.6, not 0.6000000238418579). */
    private static double decimal(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A number written as 10 rather than 10.0 when whole. */
    private static void putNumber(ObjectNode n, String key, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) n.put(key, (long) v);
        else n.put(key, v);
    }

    private static String age(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) return s / 86400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    // ---- one-line descriptions ----

    /** A source in a few words, credentials masked: {@code stream rtsp://user:***@10.0.0.7/stream1}. */
    public static String describe(SourceSpec s) {
        return switch (s) {
            case SourceSpec.Device d -> "device " + d.path() + (d.width() > 0 ? " " + d.width() + "x" + d.height() : "")
                    + (d.fps() > 0 ? " " + number(d.fps()) + " fps" : "") + (d.pixelFormat() != null ? " " + d.pixelFormat() : "");
            case SourceSpec.Stream st -> "stream " + Redaction.redact(st.url());
            case SourceSpec.VideoFile f -> "file " + f.path() + (f.fps() > 0 ? " " + number(f.fps()) + " fps" : "") + (f.loop() ? " loop" : "");
            case SourceSpec.Folder f -> "folder " + f.path() + " " + number(f.fps()) + " fps" + (f.loop() ? " loop" : "");
            case SourceSpec.Command c -> "command " + Redaction.redact(String.join(" ", c.argv()));
        };
    }

    /** {@code 2 cameras: door (stream rtsp://user:***@...), yard (device /dev/video0) (disabled)}. */
    public static String summary(VigilConfig c) {
        int n = c.cameras().size();
        return n + (n == 1 ? " camera: " : " cameras: ") + c.cameras().values().stream()
                .map(cam -> cam.name() + " (" + describe(cam.source()) + ")" + (cam.enabled() ? "" : " (disabled)"))
                .collect(Collectors.joining(", "));
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
