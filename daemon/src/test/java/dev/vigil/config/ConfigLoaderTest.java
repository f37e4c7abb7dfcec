package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.SourceSpec;
import dev.vigil.inference.Delegate;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.Confirm;
import dev.vigil.rules.GroupRule;
import dev.vigil.rules.Polygon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a valid config reads into: the records the daemon's stages are built from. */
class ConfigLoaderTest {

    static final Path BASE = Path.of("/etc/vigil");

    static VigilConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, BASE, Map.of());
    }

    /** One camera with the given source and extra camera keys (indented by 4). */
    static String camera(String source, String extra) {
        return """
                cameras:
                  door:
                    source: %s
                    groups:
                      person: { labels: [person] }
                %s""".formatted(source, extra.indent(4));
    }

    static CameraConfig door(String yaml) {
        return parse(yaml).cameras().get("door");
    }

    /** The snippet of issue 3, character for character: tests outside the project write configs this way. */
    static final String ISSUE_SNIPPET = """
            model: ssd_mobilenet_v1_coco_quant      # catalog name or path
            threads: 2
            http: { listen: "127.0.0.1:8089" }
            events: { dir: /var/lib/vigil/events }
            cameras:
              door:
                source: { folder: /path/to/images, fps: 5, loop: false }   # or device: / stream: / file: / command:
                groups:
                  person: { labels: [person], min_score: 0.5 }
                  animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0
                tracking: false
            """;

    @Test
    void theIssueSnippetReadsIntoTheSharedRecords() {
        VigilConfig c = parse(ISSUE_SNIPPET);
        assertEquals(new InferenceConfig("ssd_mobilenet_v1_coco_quant", 2, InferenceConfig.Engine.TFLITE, Delegate.CPU,
                Optional.empty(), Optional.empty(), Optional.empty()), c.inference());
        assertEquals(new HttpConfig("127.0.0.1", 8089), c.http());
        assertEquals("127.0.0.1:8089", c.http().listen());
        assertEquals(new EventsConfig(Path.of("/var/lib/vigil/events"), EventsConfig.DEFAULT_RETENTION), c.events());
        assertEquals(List.of("door"), List.copyOf(c.cameras().keySet()));

        CameraConfig door = c.cameras().get("door");
        assertEquals("door", door.name());
        assertTrue(door.enabled());
        assertEquals(new SourceSpec.Folder(Path.of("/path/to/images"), 5, false), door.source());
        assertTrue(door.source().finite());
        assertEquals(MotionConfig.OFF, door.motion());
        CameraRules r = door.rules();
        assertEquals(List.of("person", "animal"), List.copyOf(r.groups().keySet()));
        assertEquals(new GroupRule("person", Set.of("person"), 0.5f, 0f, 1f), r.groups().get("person"));
        assertEquals(new GroupRule("animal", Set.of("cat", "dog", "bird", "horse", "sheep", "cow", "bear"), 0.5f, 0f, 1f),
                r.groups().get("animal"));
        assertEquals(List.of("cat", "dog", "bird", "horse", "sheep", "cow", "bear"), List.copyOf(r.groups().get("animal").labels()),
                "labels keep the file's order");
        assertEquals(Confirm.ONE_OF_ONE, r.confirm());
        assertEquals(Duration.ZERO, r.cooldown());
        assertFalse(r.tracking());
        assertEquals(0.5f, r.trackIou());
        assertEquals(List.of(), r.zones());
        assertEquals(List.of(), r.masks());
        assertEquals(Optional.empty(), c.file());
    }

    @Test
    void onlyCamerasAreRequiredAndEverythingElseHasItsDefault() {
        VigilConfig c = parse(camera("{ folder: imgs }", ""));
        assertEquals("ssd_mobilenet_v1_coco_quant", c.inference().model());
        assertEquals(2, c.inference().threads());
        assertEquals(InferenceConfig.Engine.TFLITE, c.inference().engine());
        assertEquals("tflite", c.inference().engine().word());
        assertEquals(Delegate.CPU, c.inference().delegate());
        assertEquals(HttpConfig.DEFAULT, c.http());
        assertEquals(BASE.resolve("events"), c.events().dir());
        assertEquals(new dev.vigil.events.Retention(10_000, 1L << 30, Duration.ofDays(30)), c.events().retention());
        CameraConfig door = c.cameras().get("door");
        assertEquals(new SourceSpec.Folder(BASE.resolve("imgs"), 5, false), door.source());
        assertEquals(new SourceSpec.Folder(BASE.resolve("imgs"), 5, false, 1920 * 1080),
                parse(camera("{ folder: imgs, max_image_pixels: 2073600 }", "")).cameras().get("door").source());
        assertEquals(Confirm.ONE_OF_ONE, door.rules().confirm());
        assertTrue(door.rules().tracking(), "tracking is on unless switched off");
        assertEquals(Duration.ZERO, door.rules().cooldown());
        assertEquals(new GroupRule("person", Set.of("person"), 0.5f, 0f, 1f), door.rules().groups().get("person"));
    }

    @Test
    void topLevelInferenceSettings() {
        VigilConfig c = parse("""
                model: models/custom.tflite
                threads: 4
                engine: djl
                delegate: xnnpack
                edgetpu_device: usb:0
                labels: labels.txt
                models: { mirror: /srv/mirror }
                http: { listen: "0.0.0.0:9000" }
                """ + camera("{ folder: imgs }", ""));
        InferenceConfig i = c.inference();
        assertEquals("/etc/vigil/models/custom.tflite", i.model());
        assertEquals(4, i.threads());
        assertEquals(InferenceConfig.Engine.DJL, i.engine());
        assertEquals(Delegate.XNNPACK_DEFAULT, i.delegate());
        assertEquals(Optional.of("usb:0"), i.edgetpuDevice());
        assertEquals(Optional.of(Path.of("/etc/vigil/labels.txt")), i.labels());
        assertEquals(Optional.of(Path.of("/srv/mirror")), i.mirror());
        assertEquals(4, i.engineOptions().threads());
        assertEquals("usb:0", i.engineOptions().edgetpuDevice());
        assertEquals(new HttpConfig("0.0.0.0", 9000), c.http());
    }

    @Test
    void anUnknownModelNameIsLeftToTheDaemon() {
        assertEquals("no_such_model", parse("model: no_such_model\n" + camera("{ folder: x }", "")).inference().model());
    }

    @Test
    void listenTakesHostNamesAndBracketedIpv6() {
        assertEquals(new HttpConfig("localhost", 0), parse("http: { listen: \"localhost:0\" }\n" + camera("{ folder: x }", "")).http());
        HttpConfig v6 = parse("http: { listen: \"[::1]:8089\" }\n" + camera("{ folder: x }", "")).http();
        assertEquals(new HttpConfig("::1", 8089), v6);
        assertEquals("[::1]:8089", v6.listen());
    }

    @Test
    void httpAuthTokenFileAndPublicMetrics() {
        HttpConfig h = parse("http: { listen: \"0.0.0.0:8089\", auth: token, token_file: secrets/http-token, metrics_public: true }\n"
                + camera("{ folder: x }", "")).http();
        assertEquals(Optional.of(HttpConfig.Auth.TOKEN), h.auth());
        assertEquals(Path.of("/etc/vigil/secrets/http-token"), h.tokenFile(), "relative to the config's folder");
        assertTrue(h.metricsPublic());
        HttpConfig d = parse(camera("{ folder: x }", "")).http();
        assertEquals(Optional.empty(), d.auth());
        assertEquals(HttpConfig.DEFAULT_TOKEN_FILE, d.tokenFile());
        assertFalse(d.metricsPublic());
        assertFalse(d.credentialRequired(), "the default listens on loopback");
        assertEquals(Optional.of(HttpConfig.Auth.NONE), parse("http: { auth: none }\n" + camera("{ folder: x }", "")).http().auth());
    }

    @Test
    void everySourceKindWithItsDefaults() {
        assertEquals(new SourceSpec.Device("/dev/video0", 0, 0, 0, null), door(camera("{ device: /dev/video0 }", "")).source());
        assertEquals(new SourceSpec.Device("/dev/video2", 640, 480, 15, "yuyv"),
                door(camera("{ device: /dev/video2, width: 640, height: 480, fps: 15, pixel_format: YUYV }", "")).source());
        assertEquals(new SourceSpec.Stream("rtsp://cam/1", "tcp", Duration.ofSeconds(10), Duration.ofSeconds(10)),
                door(camera("{ stream: \"rtsp://cam/1\" }", "")).source());
        assertEquals(new SourceSpec.Stream("http://cam:8080/video.mjpg", "tcp", Duration.ofMillis(2500), Duration.ofSeconds(5)),
                door(camera("{ stream: \"http://cam:8080/video.mjpg\", connect_timeout_s: 2.5, read_timeout_s: 5 }", "")).source());
        assertEquals("udp", ((SourceSpec.Stream) door(camera("{ stream: \"rtsp://cam/1\", transport: udp }", "")).source()).transport());
        assertEquals(new SourceSpec.VideoFile(BASE.resolve("clips/a.mp4"), false, 0), door(camera("{ file: clips/a.mp4 }", "")).source());
        assertEquals(new SourceSpec.VideoFile(Path.of("/v/a.mp4"), true, 12.5),
                door(camera("{ file: /v/a.mp4, loop: true, fps: 12.5 }", "")).source());
        assertEquals(new SourceSpec.Folder(Path.of("/imgs"), 2, true), door(camera("{ folder: /imgs, fps: 2, loop: true }", "")).source());
        assertEquals(new SourceSpec.Command(List.of("rpicam-vid", "-t", "0", "--codec", "mjpeg", "-o", "-"), true),
                door(camera("{ command: \"rpicam-vid -t 0 --codec mjpeg -o -\" }", "")).source());
        assertEquals(new SourceSpec.Command(List.of("gst-launch-1.0", "nvarguscamerasrc", "!", "jpegenc", "!", "fdsink"), false),
                door(camera("{ command: [gst-launch-1.0, nvarguscamerasrc, \"!\", jpegenc, \"!\", fdsink], restart: false }", "")).source());
        assertTrue(door(camera("{ command: [cat, x.mjpeg], restart: false }", "")).source().finite());
    }

    @Test
    void aCommandLineIsSplitLikeAShellWouldWithoutRunningOne() {
        SourceSpec.Command c = (SourceSpec.Command) door(camera("""
                { command: "ffmpeg -i 'my clip.mp4' -vf \\"scale=640:-1\\" -f mjpeg a\\\\ b $HOME -" }""", "")).source();
        assertEquals(List.of("ffmpeg", "-i", "my clip.mp4", "-vf", "scale=640:-1", "-f", "mjpeg", "a b", "$HOME", "-"), c.argv());
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesFolder(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("site"));
        Path file = dir.resolve("vigil.yaml");
        Files.writeString(file, """
                model: ../models/det.tflite
                labels: labels.txt
                models: { mirror: mirror }
                events: { dir: ./events }
                """ + camera("{ folder: ./images }", ""));
        VigilConfig c = ConfigLoader.load(file, Map.of());
        assertEquals(Optional.of(file), c.file());
        Path abs = dir.toAbsolutePath();
        assertEquals(abs.resolveSibling("models").resolve("det.tflite").toString(), c.inference().model());
        assertEquals(Optional.of(abs.resolve("labels.txt")), c.inference().labels());
        assertEquals(Optional.of(abs.resolve("mirror")), c.inference().mirror());
        assertEquals(abs.resolve("events"), c.events().dir());
        assertEquals(new SourceSpec.Folder(abs.resolve("images"), 5, false), c.cameras().get("door").source());
        assertEquals(BASE.resolve("events"), parse(camera("{ folder: x }", "")).events().dir(), "the default is beside the config too");
        assertEquals(Path.of(System.getProperty("user.home"), "clips"), ((SourceSpec.Folder) door(camera("{ folder: ~/clips }", "")).source()).path());
    }

    @Test
    void groupsTakeTheCamerasMinScoreUnlessTheyGiveTheirOwn() {
        CameraConfig c = door("""
                cameras:
                  door:
                    source: { folder: x }
                    min_score: 0.7
                    groups:
                      person: { labels: [person], min_area: 0.02, max_area: 0.8 }
                      animal: { labels: [cat], min_score: 0.4 }
                """);
        assertEquals(new GroupRule("person", Set.of("person"), 0.7f, 0.02f, 0.8f), c.rules().groups().get("person"));
        assertEquals(new GroupRule("animal", Set.of("cat"), 0.4f, 0f, 1f), c.rules().groups().get("animal"));
    }

    @Test
    void zonesMasksConfirmCooldownTrackingAndMotion() {
        CameraConfig c = door(camera("{ stream: \"rtsp://cam/1\" }", """
                zones:
                  - name: porch
                    points: [[0.2, 0.5], [0.8, 0.5], [0.8, 1.0], [0.2, 1.0]]
                  - points: [[0, 0], [1, 0], [0, 1]]
                masks:
                  - { name: street, points: [[0.7, 0], [1, 0], [1, 0.3]] }
                confirm: { frames: 2, of: 3 }
                cooldown_s: 30
                tracking: true
                track_iou: 0.4
                motion: { enabled: true, threshold: 30, min_area: 0.02, scale_width: 160 }
                enabled: false
                """));
        CameraRules r = c.rules();
        assertEquals(2, r.zones().size());
        Polygon porch = r.zones().get(0);
        assertEquals("porch", porch.name());
        assertEquals(4, porch.xs().length);
        assertTrue(porch.contains(0.5f, 0.9f), "a bottom centre on the porch");
        assertFalse(porch.contains(0.5f, 0.2f), "a bottom centre above it");
        assertEquals("zone2", r.zones().get(1).name(), "an unnamed zone is named by its position");
        assertEquals("street", r.masks().get(0).name());
        assertTrue(r.masks().get(0).contains(0.95f, 0.05f));
        assertEquals(new Confirm(2, 3), r.confirm());
        assertEquals(Duration.ofSeconds(30), r.cooldown());
        assertTrue(r.tracking());
        assertEquals(0.4f, r.trackIou());
        assertEquals(new MotionConfig(true, 30, 0.02f, 160), c.motion());
        assertFalse(c.enabled());
        assertEquals(List.of(), parse(camera("{ folder: x }", "enabled: false")).enabledCameras());
    }

    @Test
    void motionIsOffUnlessEnabledAndKeepsItsDefaults() {
        assertEquals(new MotionConfig(true, 25, 0.01f, 320), door(camera("{ folder: x }", "motion: { enabled: true }")).motion());
        assertEquals(new MotionConfig(false, 40, 0.01f, 320), door(camera("{ folder: x }", "motion: { threshold: 40 }")).motion());
    }

    @Test
    void confirmOfDefaultsToFrames() {
        assertEquals(new Confirm(3, 3), door(camera("{ folder: x }", "confirm: { frames: 3 }")).rules().confirm());
    }

    @Test
    void retentionTakesSizesAndAgesWithUnits() {
        EventsConfig e = parse("""
                events:
                  dir: /data/events
                  retention: { max_count: 500, max_bytes: 500MB, max_age: 7d }
                """ + camera("{ folder: x }", "")).events();
        assertEquals(new EventsConfig(Path.of("/data/events"), new dev.vigil.events.Retention(500, 500L * 1024 * 1024, Duration.ofDays(7))), e);
        dev.vigil.events.Retention r = parse("""
                events: { retention: { max_bytes: 1.5 GiB, max_age: 12h } }
                """ + camera("{ folder: x }", "")).events().retention();
        assertEquals((long) (1.5 * (1L << 30)), r.maxBytes());
        assertEquals(Duration.ofHours(12), r.maxAge());
        assertEquals(10_000, r.maxCount());
        dev.vigil.events.Retention plain = parse("""
                events: { retention: { max_bytes: 123456, max_age: 2w } }
                """ + camera("{ folder: x }", "")).events().retention();
        assertEquals(123456, plain.maxBytes());
        assertEquals(Duration.ofDays(14), plain.maxAge());
        assertEquals(2048, parse("events: { retention: { max_bytes: 2k } }\n" + camera("{ folder: x }", "")).events().retention().maxBytes());
    }

    @Test
    void camerasKeepTheirFileOrder() {
        VigilConfig c = parse("""
                cameras:
                  yard: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } }
                  door: { source: { folder: x }, groups: { person: { labels: [person] } } }
                  back_door-2: { source: { file: a.mp4 }, groups: { person: { labels: [person] } } }
                """);
        assertEquals(List.of("yard", "door", "back_door-2"), List.copyOf(c.cameras().keySet()));
    }

    @Test
    void nullValuesMeanTheDefault() {
        VigilConfig c = parse("threads:\nhttp:\n" + camera("{ folder: x, fps: ~ }", "cooldown_s:"));
        assertEquals(2, c.inference().threads());
        assertEquals(HttpConfig.DEFAULT, c.http());
        assertEquals(5, ((SourceSpec.Folder) c.cameras().get("door").source()).fps());
    }

    @Test
    void toYamlReadsBackToTheSameConfig() {
        VigilConfig c = parse("""
                model: detector.tflite
                delegate: auto
                edgetpu_device: pci
                models: { mirror: m }
                events: { retention: { max_age: 36h } }
                cameras:
                  door:
                    source: { stream: "rtsp://cam.local/s1", transport: udp, connect_timeout_s: 2.5 }
                    groups: { person: { labels: [person], min_score: 0.6, max_area: 0.9 } }
                    zones: [ { name: porch, points: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]] } ]
                    masks: [ { points: [[0, 0], [1, 0], [1, 0.3]] } ]
                    confirm: { frames: 2, of: 3 }
                    cooldown_s: 1.5
                    motion: { enabled: true }
                  cli:
                    source: { command: "rpicam-vid -t 0 -o -", restart: false }
                    groups: { thing: { labels: ["pop bottle, soda bottle"] } }
                  usb:
                    source: { device: /dev/video1, width: 320, height: 240, pixel_format: mjpeg }
                    groups: { a: { labels: [a] } }
                  clip:
                    source: { file: c.mp4, loop: true }
                    groups: { a: { labels: [a] } }
                    enabled: false
                """);
        String yaml = ConfigLoader.toYaml(c);
        VigilConfig back = ConfigLoader.parse(yaml, Path.of("/elsewhere"), Map.of());
        assertEquals(yaml, ConfigLoader.toYaml(back));
        assertEquals(c.inference(), back.inference());
        assertEquals(c.events(), back.events());
        assertEquals(c.cameras().get("door").source(), back.cameras().get("door").source());
        assertEquals(c.cameras().get("cli").source(), back.cameras().get("cli").source());
        assertEquals(c.cameras(), back.cameras(), "every camera, zones and masks included");
        assertEquals(c.http(), back.http());
        assertEquals(c.alarm(), back.alarm());
        assertEquals(c.power(), back.power());
        assertEquals(c.logging(), back.logging());
        assertEquals(Duration.ofMillis(1500), back.cameras().get("door").rules().cooldown());
        assertTrue(yaml.contains("max_age: 36h"), yaml);
        assertTrue(yaml.contains("min_score: 0.6\n"), "floats are written short: " + yaml);
    }

    @Test
    void summaryNamesEachCameraAndItsSource() {
        VigilConfig c = parse("""
                cameras:
                  door: { source: { stream: "rtsp://admin:hunter2@10.0.0.7/s1" }, groups: { p: { labels: [person] } } }
                  line: { source: { device: /dev/video0, width: 640, height: 480, fps: 30, pixel_format: mjpeg }, groups: { p: { labels: [x] } } }
                  demo: { source: { folder: /imgs, fps: 2, loop: true }, groups: { p: { labels: [x] } }, enabled: false }
                """);
        assertEquals("3 cameras: door (stream rtsp://admin:***@10.0.0.7/s1), line (device /dev/video0 640x480 30 fps mjpeg),"
                + " demo (folder /imgs 2 fps loop) (disabled)", ConfigLoader.summary(c));
    }

    @Test
    void aConfigExceptionIsAUsageErrorThatCanNameItsFile() {
        ConfigException e = new ConfigException("threads: 0 must be at least 1");
        assertEquals(2, e.exitCode());
        assertEquals("threads: 0 must be at least 1", e.located());
        ConfigException in = e.in(Path.of("a.yaml"));
        assertEquals("threads: 0 must be at least 1", in.getMessage());
        assertEquals("a.yaml: threads: 0 must be at least 1", in.located());
        assertInstanceOf(RuntimeException.class, in);
    }
}
