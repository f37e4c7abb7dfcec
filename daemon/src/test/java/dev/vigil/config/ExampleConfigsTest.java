package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.SourceSpec;
import dev.vigil.inference.Delegate;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.Confirm;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example configs in config/ load, and say what their comments promise. */
class ExampleConfigsTest {

    static Path example(String name) {
        Path p = TestData.root().resolve("config").resolve(name);
        assertTrue(Files.isRegularFile(p), "missing example " + p.toAbsolutePath());
        return p;
    }

    @Test
    void theDemoReplaysTheTestImagesInALoop() throws IOException {
        VigilConfig c = ConfigLoader.load(example("demo.yaml"), Map.of(ConfigLoader.DEMO_IMAGES_VARIABLE, "/data/images"));
        assertEquals(InferenceConfig.DEFAULT_MODEL, c.inference().model());
        assertEquals(HttpConfig.DEFAULT, c.http());
        CameraConfig demo = c.cameras().get("demo");
        assertEquals(List.of("demo"), List.copyOf(c.cameras().keySet()));
        assertEquals(new SourceSpec.Folder(Path.of("/data/images"), 2, true), demo.source());
        assertEquals(Set.of("person", "animal"), demo.rules().groups().keySet());
        assertEquals(Set.of("cat", "dog", "bird", "horse", "sheep", "cow", "bear"), demo.rules().groups().get("animal").labels());
        assertEquals(Confirm.ONE_OF_ONE, demo.rules().confirm());
        assertEquals(Duration.ZERO, demo.rules().cooldown());
        assertFalse(demo.rules().tracking());
        assertEquals(example("demo.yaml").toAbsolutePath().normalize().resolveSibling("events"), c.events().dir());
    }

    @Test
    void theJarCarriesTheDemoAsItIsInConfig() throws IOException {
        assertEquals(Files.readString(example("demo.yaml")), ConfigLoader.demoText(),
                "target/classes/config/demo.yaml differs from config/demo.yaml; rebuild");
    }

    @Test
    void theEmbeddedDemoFindsTheImagesInTheSharedFolderOrTheImageFolderItself() throws IOException {
        Path images = TestData.images().toAbsolutePath();
        VigilConfig fromShared = ConfigLoader.demo(TestData.shared());
        VigilConfig fromImages = ConfigLoader.demo(images);
        SourceSpec.Folder f = (SourceSpec.Folder) fromShared.cameras().get("demo").source();
        assertEquals(images.normalize(), f.path());
        assertEquals(f, fromImages.cameras().get("demo").source());
        try (Stream<Path> files = Files.list(f.path())) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("grace_hopper.bmp")), "the demo folder holds the test images");
        }
        assertEquals(Path.of("").toAbsolutePath().resolve("events"), fromShared.events().dir());
        assertTrue(fromShared.file().isEmpty());
    }

    @Test
    void theDoorbellWatchesAnRtspCameraWithItsPasswordFromTheEnvironment() {
        VigilConfig c = ConfigLoader.load(example("doorbell.yaml"), Map.of("RTSP_PASSWORD", "hunter2"));
        assertEquals(Delegate.AUTO, c.inference().delegate());
        CameraConfig door = c.cameras().get("door");
        SourceSpec.Stream s = (SourceSpec.Stream) door.source();
        assertEquals("rtsp://vigil:hunter2@192.168.1.20:554/stream1", s.url());
        assertEquals("tcp", s.transport());
        CameraRules r = door.rules();
        assertEquals(Set.of("person", "animal"), r.groups().keySet());
        assertEquals(1, r.zones().size());
        assertTrue(r.zones().get(0).contains(0.5f, 0.95f), "the doormat is in the door zone");
        MqttConfig m = c.mqtt().orElseThrow();
        assertEquals("vigil/doorbell", m.topicPrefix());
        assertEquals(new MqttConfig.Discovery(true, "homeassistant"), m.discovery());
        assertFalse(r.zones().get(0).contains(0.5f, 0.2f), "the pavement behind the hedge is not");
        assertEquals(new Confirm(2, 3), r.confirm());
        assertEquals(Duration.ofSeconds(30), r.cooldown());
        assertTrue(r.tracking());
        assertTrue(door.motion().enabled());
        assertEquals(new dev.vigil.events.Retention(5000, 500L << 20, Duration.ofDays(7)), c.events().retention());
        assertFalse(ConfigLoader.toYaml(c).contains("hunter2"));
    }

    @Test
    void theDoorbellWithoutItsPasswordSaysWhichVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(example("doorbell.yaml"), Map.of()));
        assertEquals("cameras.door.source.stream: environment variable RTSP_PASSWORD is not set; set it or write ${RTSP_PASSWORD:-default}",
                e.getMessage());
        assertTrue(e.located().startsWith(example("doorbell.yaml") + ": "));
    }

    @Test
    void theFactoryLineClassifiesAUsbCamera() {
        VigilConfig c = ConfigLoader.load(example("factory-line.yaml"), Map.of());
        assertEquals("mobilenet_v2_quant", c.inference().model());
        CameraConfig line = c.cameras().get("line1");
        assertEquals(new SourceSpec.Device("/dev/video0", 640, 480, 30, "mjpeg"), line.source());
        assertEquals(Set.of("ng"), line.rules().groups().keySet());
        assertEquals(0.6f, line.rules().groups().get("ng").minScore(), "the camera's min_score is the group's default");
        assertTrue(line.rules().groups().get("ng").labels().contains("pop bottle, soda bottle"));
        MqttConfig m = c.mqtt().orElseThrow();
        assertTrue(m.tls(), "verdicts leave the line over TLS");
        assertEquals("vigil/line1-pi", m.topicPrefix());
        assertEquals(100_000, m.backlogCount());
    }

    @Test
    void thePackagedServiceConfigLoadsWithRealGpioAndTheLanListener() {
        VigilConfig c = ConfigLoader.load(dev.vigil.testing.TestData.root().resolve("deploy/deb/vigil.yaml"), Map.of());
        assertEquals("0.0.0.0", c.http().host());
        assertEquals(java.util.Optional.of(HttpConfig.Auth.TOKEN), c.http().auth(), "the LAN listener needs the token");
        assertEquals(HttpConfig.DEFAULT_TOKEN_FILE, c.http().tokenFile(), "where postinst writes it");
        assertTrue(c.http().credentialRequired() && !c.http().metricsPublic());
        assertEquals(1, c.cameras().size());
        assertTrue(c.gpio().present() && !c.gpio().mock(), "real GPIO, no mock");
    }

    @Test
    void theNgLabelsAreLabelsOfTheClassifier() throws IOException {
        VigilConfig c = ConfigLoader.load(example("factory-line.yaml"), Map.of());
        List<String> imagenet = Files.readAllLines(TestData.model("imagenet_labels.txt"));
        for (String label : c.cameras().get("line1").rules().groups().get("ng").labels()) {
            assertTrue(imagenet.contains(label), "'" + label + "' is not an ImageNet label of mobilenet_v2_quant");
        }
        List<String> coco = Files.readAllLines(TestData.model("coco_labels.txt"));
        VigilConfig door = ConfigLoader.load(example("doorbell.yaml"), Map.of("RTSP_PASSWORD", "x"));
        door.cameras().get("door").rules().groups().values().forEach(g -> g.labels().forEach(
                l -> assertTrue(coco.contains(l), "'" + l + "' is not a COCO label of the default detector")));
    }
}
