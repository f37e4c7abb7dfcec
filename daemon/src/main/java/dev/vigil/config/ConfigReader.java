package dev.vigil.config;

import dev.vigil.inference.Delegate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the whole tree into a {@link VigilConfig}: the top-level settings here, each section by its own reader
 * ({@link CameraReader}, {@link DecisionReader}, {@link GpioReader}, {@link ObservabilityReader}). Readers check the
 * YAML's shape and the names that point across sections; the records check their own values.
 */
final class ConfigReader {

    /** The top-level keys; a later section is added here and read in {@link #read}. */
    static final List<String> TOP_KEYS = List.of("model", "threads", "engine", "delegate", "edgetpu_device", "labels",
            "labels_locale", "models", "http", "events", "cameras", "alarm", "qc", "gpio", "power", "logging", "mqtt",
            "webhooks", "drift", "sampling");

    private ConfigReader() {}

    static VigilConfig read(ConfigNode root, Effective effective) {
        root.mapping("settings (" + String.join(", ", TOP_KEYS) + ")").allowOnly(TOP_KEYS);
        InferenceConfig inference = inference(root);
        HttpConfig http = http(root.get("http"));
        EventsConfig events = events(root);
        Map<String, CameraConfig> cameras = cameras(root.get("cameras"));
        List<String> warnings = new ArrayList<>();
        AlarmConfig alarm = DecisionReader.alarm(DecisionReader.section(root, "alarm", warnings), cameras);
        GpioConfig gpio = GpioReader.read(root.get("gpio"), cameras);
        Map<String, QcConfig> qc = DecisionReader.qc(DecisionReader.section(root, "qc", warnings), gpio, root.get("gpio"), cameras, events.dir());
        PowerConfig power = ObservabilityReader.power(root.get("power"));
        LoggingConfig logging = ObservabilityReader.logging(root.get("logging"));
        Optional<MqttConfig> mqtt = MqttReader.read(root.get("mqtt"));
        List<WebhookConfig> webhooks = WebhookReader.read(root.get("webhooks"));
        DriftConfig drift = ObservabilityReader.drift(root.get("drift"));
        SamplingConfig sampling = SamplingReader.read(root.get("sampling"), cameras);
        return new VigilConfig(Optional.empty(), inference, http, events, cameras, alarm, qc, gpio, power, logging, mqtt, webhooks,
                drift, sampling, List.copyOf(warnings), effective.yaml());
    }

    private static InferenceConfig inference(ConfigNode root) {
        ConfigNode m = root.get("model");
        String model = m.text(InferenceConfig.DEFAULT_MODEL).strip();
        // A path is resolved like every other path; a catalog name is passed on as written.
        if (model.contains("/") || model.contains("\\") || model.endsWith(".tflite")) model = m.path(null).toString();
        int threads = root.get("threads").integer(InferenceConfig.DEFAULT_THREADS);
        InferenceConfig.Engine engine = InferenceConfig.Engine.valueOf(
                root.get("engine").oneOf("tflite", InferenceConfig.Engine.words()).toUpperCase(Locale.ROOT));
        ConfigNode d = root.get("delegate").takes("one of " + String.join(", ", InferenceConfig.DELEGATES));
        Delegate delegate;
        try {
            delegate = Delegate.parse(d.text("cpu").strip());
            d.keep(InferenceConfig.word(delegate));
        } catch (IllegalArgumentException e) {
            throw d.fail(d.show() + " is not one of " + String.join(", ", InferenceConfig.DELEGATES));
        }
        ConfigNode tpu = root.get("edgetpu_device");
        Optional<String> edgetpuDevice = tpu.missing() ? Optional.empty() : Optional.of(tpu.text("").strip());
        Optional<Path> labels = Optional.ofNullable(root.get("labels").path(null));
        String locale = root.get("labels_locale").text(InferenceConfig.DEFAULT_LABELS_LOCALE).strip();
        ConfigNode models = root.get("models");
        Optional<Path> mirror = Optional.empty();
        if (!models.missing())
            models.mapping("model store and hot-swap settings (mirror, probation_s, min_agreement, rollback_slowdown)")
                    .allowOnly(List.of("mirror", "probation_s", "min_agreement", "rollback_slowdown"));
        mirror = Optional.ofNullable(models.get("mirror").path(null));
        SwapConfig sd = SwapConfig.DEFAULT;
        Duration probation = models.get("probation_s").seconds(sd.probation().toSeconds());
        double agreement = models.get("min_agreement").number(sd.minAgreement());
        double slowdown = models.get("rollback_slowdown").number(sd.rollbackSlowdown());
        SwapConfig swap = models.make(() -> new SwapConfig(probation, agreement, slowdown));
        String theModel = model;
        Optional<Path> theMirror = mirror;
        return root.make(() -> new InferenceConfig(theModel, threads, engine, delegate, edgetpuDevice, labels, theMirror, locale, swap));
    }

    private static HttpConfig http(ConfigNode n) {
        if (!n.missing()) n.mapping("HTTP settings (listen, auth, token_file, metrics_public)")
                .allowOnly(List.of("listen", "auth", "token_file", "metrics_public"));
        ConfigNode l = n.get("listen");
        String s = l.text(HttpConfig.DEFAULT.listen()).strip();
        if (s.isEmpty()) throw l.fail("is empty; give host:port, e.g. 127.0.0.1:8089");
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
        ConfigNode a = n.get("auth");
        Optional<HttpConfig.Auth> auth = a.missing() ? Optional.empty() : Optional.of(a.word(HttpConfig.Auth.TOKEN, HttpConfig.Auth.class));
        Path tokenFile = n.get("token_file").path(HttpConfig.DEFAULT_TOKEN_FILE);
        boolean metricsPublic = n.get("metrics_public").bool(false);
        return n.make(() -> new HttpConfig(host, port, auth, tokenFile, metricsPublic));
    }

    private static ConfigException notHostPort(ConfigNode l) {
        return l.fail(l.show() + " is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089");
    }

    private static EventsConfig events(ConfigNode root) {
        ConfigNode n = root.get("events");
        Path defaultDir = root.context().baseDir().resolve("events");
        if (!n.missing()) n.mapping("event settings (dir, retention)").allowOnly(List.of("dir", "retention"));
        Path dir = n.get("dir").path(defaultDir);
        ConfigNode r = n.get("retention");
        dev.vigil.events.Retention d = EventsConfig.DEFAULT_RETENTION;
        if (!r.missing()) r.mapping("retention limits (max_count, max_bytes, max_age)").allowOnly(List.of("max_count", "max_bytes", "max_age"));
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
}
