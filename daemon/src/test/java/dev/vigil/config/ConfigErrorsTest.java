package dev.vigil.config;

import static dev.vigil.config.ConfigLoaderTest.camera;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad config is one line that starts with the key path and shows the bad value. */
class ConfigErrorsTest {

    static String error(String yaml) {
        return error(yaml, Map.of());
    }

    static String error(String yaml, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, Path.of("/etc/vigil"), env));
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertFalse(m.contains("Exception") || m.contains("jackson"), "no Java in the message: " + m);
        assertEquals(2, e.exitCode());
        return m;
    }

    static final String GROUPS = "groups: { person: { labels: [person] } }";

    static String door(String cameraBody) {
        return "cameras:\n  door:\n" + cameraBody.indent(4);
    }

    // ---- the errors named in the brief ----

    @Test
    void aStreamThatIsNotRtspOrHttp() {
        assertEquals("cameras.door.source.stream: \"rtps://cam.local/stream1\" is not rtsp://, http://, https://",
                error(camera("{ stream: \"rtps://cam.local/stream1\" }", "")));
    }

    @Test
    void folderPixelCapBelowOne() {
        assertEquals("cameras.door.source.max_image_pixels: 0 must be at least 1 (default 16777216)",
                error(camera("{ folder: x, max_image_pixels: 0 }", "")));
    }

    @Test
    void threadsBelowOne() {
        assertEquals("threads: 0 must be at least 1", error("threads: 0\n" + camera("{ folder: x }", "")));
        assertEquals("threads: -3 must be at least 1", error("threads: -3\n" + camera("{ folder: x }", "")));
    }

    @Test
    void aMinScoreOutsideZeroToOne() {
        assertEquals("cameras.door.groups.person.min_score: 1.5 is not within 0..1",
                error(door("source: { folder: x }\ngroups: { person: { labels: [person], min_score: 1.5 } }")));
        assertEquals("cameras.door.min_score: -0.1 is not within 0..1",
                error(door("source: { folder: x }\nmin_score: -0.1\n" + GROUPS)));
    }

    @Test
    void unknownKeysAtEveryLevel() {
        assertEquals("cameras.door.groupz: unknown key; expected one of source, groups, zones, masks, confirm, cooldown_s,"
                + " tracking, track_iou, motion, enabled, min_score, second_stage", error(door("source: { folder: x }\ngroupz: {}\n" + GROUPS)));
        assertEquals("mqqt: unknown key; expected one of model, threads, engine, delegate, edgetpu_device, labels, labels_locale, models,"
                + " http, events, cameras, " + String.join(", ", ConfigLoader.TOP_KEYS.subList(11, ConfigLoader.TOP_KEYS.size())),
                error("mqqt: { url: x }\n" + camera("{ folder: x }", "")));
        assertTrue(error("mqtt: { host: x }\n" + camera("{ folder: x }", "")).startsWith("mqtt.host: unknown key; expected one of url, device,"));
        assertEquals("cameras.door.groups.person.min_scor: unknown key; expected one of labels, min_score, min_area, max_area, sub_labels, sub_label_min_score",
                error(door("source: { folder: x }\ngroups: { person: { labels: [person], min_scor: 0.5 } }")));
        assertEquals("http.port: unknown key; expected one of listen, auth, token_file, metrics_public", error("http: { port: 80 }\n" + camera("{ folder: x }", "")));
        assertEquals("http.auth: \"basic\" is not one of token, none", error("http: { auth: basic }\n" + camera("{ folder: x }", "")));
        assertEquals("http.metrics_public: \"yes\" is not true or false", error("http: { metrics_public: \"yes\" }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_files: unknown key; expected one of max_count, max_bytes, max_age",
                error("events: { retention: { max_files: 3 } }\n" + camera("{ folder: x }", "")));
        assertEquals("cameras.door.motion.treshold: unknown key; expected one of enabled, threshold, min_area, scale_width",
                error(camera("{ folder: x }", "motion: { treshold: 3 }")));
        assertEquals("cameras.door.zones[0].point: unknown key; expected one of name, points",
                error(camera("{ folder: x }", "zones: [ { point: [] } ]")));
        assertEquals("models.dir: unknown key; expected one of mirror, probation_s, min_agreement, rollback_slowdown",
                error("models: { dir: x }\n" + camera("{ folder: x }", "")));
    }

    @Test
    void hotSwapSettingsOutOfRange() {
        assertEquals("models.min_agreement: 1.5 is not within 0..1", error("models: { min_agreement: 1.5 }\n" + camera("{ folder: x }", "")));
        assertEquals("models.probation_s: -1 must be at least 0", error("models: { probation_s: -1 }\n" + camera("{ folder: x }", "")));
        assertEquals("models.rollback_slowdown: 0.5 must be at least 1", error("models: { rollback_slowdown: 0.5 }\n" + camera("{ folder: x }", "")));
        assertEquals(new SwapConfig(java.time.Duration.ofSeconds(60), 0.9, 2),
                ConfigLoader.parse("models: { probation_s: 60, min_agreement: 0.9, rollback_slowdown: 2 }\n" + camera("{ folder: x }", ""),
                        java.nio.file.Path.of("."), java.util.Map.of()).inference().swap());
    }

    @Test
    void anOptionOfAnotherSourceKind() {
        assertEquals("cameras.door.source.transport: unknown key for a folder source; expected one of folder, fps, loop, max_image_pixels",
                error(camera("{ folder: x, transport: tcp }", "")));
        assertEquals("cameras.door.source.url: unknown key for a device source; expected one of device, width, height, fps, pixel_format",
                error(camera("{ device: /dev/video0, url: x }", "")));
    }

    @Test
    void wrongTypes() {
        assertEquals("threads: \"two\" is not a whole number", error("threads: two\n" + camera("{ folder: x }", "")));
        assertEquals("threads: 2.5 is not a whole number", error("threads: 2.5\n" + camera("{ folder: x }", "")));
        assertEquals("threads: expected a whole number, got a list of 1 item", error("threads: [2]\n" + camera("{ folder: x }", "")));
        assertEquals("cameras.door.tracking: \"maybe\" is not true or false", error(camera("{ folder: x }", "tracking: maybe")));
        assertEquals("cameras.door.cooldown_s: \"30s\" is not a number", error(camera("{ folder: x }", "cooldown_s: 30s")));
        assertEquals("cameras.door.groups.person.labels: expected a list of labels, e.g. [cat, dog], got \"person\"",
                error(door("source: { folder: x }\ngroups: { person: { labels: person } }")));
        assertEquals("cameras.door.source: expected a mapping of source settings (one of device, stream, file, folder, command),"
                + " got \"rtsp://cam/1\"", error(door("source: \"rtsp://cam/1\"\n" + GROUPS)));
        assertEquals("cameras.door.source.folder: expected text, got a mapping", error(camera("{ folder: { path: x } }", "")));
        assertEquals("cameras: expected a mapping of camera name to settings, e.g. door: {source: {stream: rtsp://...},"
                + " groups: {person: {labels: [person]}}}, got a list of 1 item", error("cameras: [door]"));
        assertEquals("config: expected a mapping of settings (model, threads, engine, delegate, edgetpu_device, labels, labels_locale, models,"
                + " http, events, cameras, " + String.join(", ", ConfigLoader.TOP_KEYS.subList(11, ConfigLoader.TOP_KEYS.size()))
                + "), got a list of 2 items", error("- a\n- b"));
    }

    @Test
    void aSourceNeedsExactlyOneKind() {
        assertEquals("cameras.door.source: both stream and folder given; give exactly one of device, stream, file, folder, command",
                error(camera("{ folder: x, stream: \"rtsp://cam/1\" }", "")));
        assertEquals("cameras.door.source: no source kind; give exactly one of device, stream, file, folder, command",
                error(camera("{ fps: 5 }", "")));
        assertEquals("cameras.door.source: missing; expected a mapping of source settings (one of device, stream, file, folder, command)",
                error(door(GROUPS)));
    }

    @Test
    void cameraAndGroupNamesAreTagSafe() {
        assertEquals("cameras.Front Door: a camera name is lowercase letters, digits, '_' and '-' (it becomes a metric tag and a file name)",
                error("cameras:\n  Front Door: { source: { folder: x }, " + GROUPS + " }"));
        assertEquals("cameras.door.groups.Person: a group name is lowercase letters, digits, '_' and '-' (it becomes a metric tag)",
                error(door("source: { folder: x }\ngroups: { Person: { labels: [person] } }")));
    }

    @Test
    void camerasAndGroupsMustExist() {
        assertTrue(error("threads: 2").startsWith("cameras: missing; give at least one camera name to settings"));
        assertTrue(error("cameras: {}").startsWith("cameras: is empty; give at least one camera name"));
        assertTrue(error(door("source: { folder: x }")).startsWith("cameras.door.groups: missing; give at least one group name"));
        assertEquals("cameras.door.groups.person.labels: is empty; give the model's labels of this group, e.g. [cat, dog]",
                error(door("source: { folder: x }\ngroups: { person: { labels: [] } }")));
        assertEquals("cameras.door.groups.person.labels: missing; give the model's labels of this group, e.g. [cat, dog]",
                error(door("source: { folder: x }\ngroups: { person: { min_score: 0.5 } }")));
        assertEquals("config: is empty; expected a mapping with at least cameras:", error(""));
        assertEquals("config: is empty; expected a mapping with at least cameras:", error("# only a comment\n"));
    }

    @Test
    void areasMustBeFractionsInOrder() {
        assertEquals("cameras.door.groups.person.min_area: 0.6 is above max_area (0.5)",
                error(door("source: { folder: x }\ngroups: { person: { labels: [person], min_area: 0.6, max_area: 0.5 } }")));
        assertEquals("cameras.door.groups.person.max_area: 2 is not within 0..1",
                error(door("source: { folder: x }\ngroups: { person: { labels: [person], max_area: 2 } }")));
    }

    @Test
    void polygonsNeedThreePointsInsideTheImage() {
        assertEquals("cameras.door.zones[0].points: 2 points; a polygon needs at least 3",
                error(camera("{ folder: x }", "zones: [ { name: a, points: [[0, 0], [1, 1]] } ]")));
        assertEquals("cameras.door.zones[1].points[1][0]: 1.2 is not within 0..1",
                error(camera("{ folder: x }", "zones:\n  - points: [[0, 0], [1, 0], [0, 1]]\n  - points: [[0, 0], [1.2, 0], [0, 1]]")));
        assertEquals("cameras.door.masks[0].points[2]: expected a point [x, y], got a list of 3 items",
                error(camera("{ folder: x }", "masks: [ { points: [[0, 0], [1, 0], [0, 1, 1]] } ]")));
        assertEquals("cameras.door.masks[0].points[1][1]: \"top\" is not a number",
                error(camera("{ folder: x }", "masks: [ { points: [[0, 0], [1, top], [0, 1]] } ]")));
        assertEquals("cameras.door.zones[0].points: missing; give at least 3 points [[x, y], ...] in 0..1 image coordinates",
                error(camera("{ folder: x }", "zones: [ { name: a } ]")));
        assertEquals("cameras.door.zones[1].name: \"a\" is used twice; give each zone its own name",
                error(camera("{ folder: x }", "zones:\n  - { name: a, points: [[0, 0], [1, 0], [0, 1]] }\n  - { name: a, points: [[0, 0], [1, 0], [0, 1]] }")));
        assertEquals("cameras.door.zones[0].name: \"Door Mat\" is not a name of lowercase letters, digits, '_' and '-'",
                error(camera("{ folder: x }", "zones: [ { name: Door Mat, points: [[0, 0], [1, 0], [0, 1]] } ]")));
    }

    @Test
    void confirmCooldownTrackingAndMotionRanges() {
        assertEquals("cameras.door.confirm.frames: 3 is above of (2); a group needs at most all of the last frames",
                error(camera("{ folder: x }", "confirm: { frames: 3, of: 2 }")));
        assertEquals("cameras.door.confirm.of: 101 is not within 1..100", error(camera("{ folder: x }", "confirm: { frames: 1, of: 101 }")));
        assertEquals("cameras.door.confirm.frames: 0 is not within 1..100", error(camera("{ folder: x }", "confirm: { frames: 0, of: 1 }")));
        assertEquals("cameras.door.cooldown_s: -1 must be at least 0", error(camera("{ folder: x }", "cooldown_s: -1")));
        assertEquals("cameras.door.track_iou: 0 must be above 0 (every box would be the same object)",
                error(camera("{ folder: x }", "track_iou: 0")));
        assertEquals("cameras.door.motion.threshold: 0 is not within 1..255", error(camera("{ folder: x }", "motion: { threshold: 0 }")));
        assertEquals("cameras.door.motion.min_area: 5 is not within 0..1", error(camera("{ folder: x }", "motion: { min_area: 5 }")));
        assertEquals("cameras.door.motion.scale_width: 8 is not within 16..4096", error(camera("{ folder: x }", "motion: { scale_width: 8 }")));
    }

    @Test
    void sourceOptionsAreChecked() {
        assertEquals("cameras.door.source.device: \"video0\" is not a device path like /dev/video0", error(camera("{ device: video0 }", "")));
        assertEquals("cameras.door.source.width: width and height go together; give both, or neither for the camera's default",
                error(camera("{ device: /dev/video0, width: 640 }", "")));
        assertEquals("cameras.door.source.pixel_format: \"h264\" is not one of mjpeg, yuyv",
                error(camera("{ device: /dev/video0, pixel_format: h264 }", "")));
        assertEquals("cameras.door.source.stream: \"rtsp:///stream1\" has no host", error(camera("{ stream: \"rtsp:///stream1\" }", "")));
        assertEquals("cameras.door.source.transport: udp is for rtsp:// streams only; leave transport out for http(s)",
                error(camera("{ stream: \"http://cam/video\", transport: udp }", "")));
        assertEquals("cameras.door.source.transport: \"quic\" is not one of tcp, udp", error(camera("{ stream: \"rtsp://cam/1\", transport: quic }", "")));
        assertEquals("cameras.door.source.connect_timeout_s: 0 must be above 0 (a timeout keeps a dead camera from blocking a thread)",
                error(camera("{ stream: \"rtsp://cam/1\", connect_timeout_s: 0 }", "")));
        assertEquals("cameras.door.source.fps: 0 must be above 0", error(camera("{ folder: x, fps: 0 }", "")));
        assertEquals("cameras.door.source.fps: -1 is not within 0..1000", error(camera("{ file: x.mp4, fps: -1 }", "")));
        assertEquals("cameras.door.source.folder: is empty; give a path", error(camera("{ folder: \"\" }", "")));
        assertEquals("cameras.door.source.command: \"rpicam-vid -o 'x\" has an unclosed ' quote",
                error(camera("{ command: \"rpicam-vid -o 'x\" }", "")));
        assertEquals("cameras.door.source.command: is empty; give a command line such as \"rpicam-vid -t 0 --codec mjpeg -o -\","
                + " or a list of arguments", error(camera("{ command: \"  \" }", "")));
        assertEquals("cameras.door.source.command: is empty; give the program and its arguments", error(camera("{ command: [] }", "")));
    }

    @Test
    void topLevelValuesAreChecked() {
        assertEquals("engine: \"onnx\" is not one of tflite, djl", error("engine: onnx\n" + camera("{ folder: x }", "")));
        assertEquals("delegate: \"gpu\" is not one of cpu, xnnpack, xnnpack-ffm, none, edgetpu, auto",
                error("delegate: gpu\n" + camera("{ folder: x }", "")));
        assertEquals("model: is empty; give a catalog name (see vigil models list) or a .tflite file",
                error("model: \"\"\n" + camera("{ folder: x }", "")));
        assertEquals("http.listen: \"localhost\" is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089",
                error("http: { listen: localhost }\n" + camera("{ folder: x }", "")));
        assertEquals("http.listen: \"127.0.0.1:http\" is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089",
                error("http: { listen: \"127.0.0.1:http\" }\n" + camera("{ folder: x }", "")));
        assertEquals("http.listen: \"::1:8089\" is not host:port, e.g. 127.0.0.1:8089 or 0.0.0.0:8089",
                error("http: { listen: \"::1:8089\" }\n" + camera("{ folder: x }", "")));
        assertEquals("http.listen: port 70000 is not within 0..65535", error("http: { listen: \"0.0.0.0:70000\" }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_bytes: \"500XB\" is not a size like 500MB (units B, KB, MB, GB, TB; 1 KB = 1024 bytes)",
                error("events: { retention: { max_bytes: 500XB } }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_bytes: 0 must be at least 1",
                error("events: { retention: { max_bytes: 0 } }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_age: 7 is not a duration like 7d or 12h (units s, m, h, d, w)",
                error("events: { retention: { max_age: 7 } }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_age: \"0d\" must be above 0",
                error("events: { retention: { max_age: 0d } }\n" + camera("{ folder: x }", "")));
        assertEquals("events.retention.max_count: 0 must be at least 1",
                error("events: { retention: { max_count: 0 } }\n" + camera("{ folder: x }", "")));
    }

    @Test
    void yamlThatDoesNotParse() {
        assertEquals("config: not valid YAML at line 2, column 20: expected the node content, but found '}'",
                error("threads: 2\ncameras: { door: [ }\n"));
        assertEquals("config: not valid YAML at line 2, column 4: mapping values are not allowed here", error("a: b\n  c: d\n"));
        assertEquals("config: key 'threads' appears twice (line 2)", error("threads: 2\nthreads: 3\n" + camera("{ folder: x }", "")));
        assertEquals("config: key 'fps' appears twice (line 3)", error("cameras:\n  door:\n    source: { folder: x, fps: 1, fps: 2 }\n"));
    }

    @Test
    void aFileErrorNamesTheFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "threads: 0\n" + camera("{ folder: x }", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals("threads: 0 must be at least 1", e.getMessage());
        assertEquals(file + ": threads: 0 must be at least 1", e.located());

        Path missing = tmp.resolve("nope.yaml");
        ConfigException m = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
        assertEquals(missing + ": no such file; give an existing YAML file (see config/ for examples)", m.located());

        ConfigException dir = assertThrows(ConfigException.class, () -> ConfigLoader.load(tmp, Map.of()));
        assertEquals(tmp + ": is a folder; give a YAML file (see config/ for examples)", dir.located());

        Path latin1 = tmp.resolve("latin1.yaml");
        Files.write(latin1, ("# caf\u00e9\n" + camera("{ folder: x }", "")).getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(latin1 + ": is not UTF-8 text; save the config as UTF-8",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1, Map.of())).located());
    }
}
