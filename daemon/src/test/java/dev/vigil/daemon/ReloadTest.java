package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.capture.Camera;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config reload in a running daemon (issue 12): two cameras on folders of a visitor's colour, which the fake detector
 * sees as a person in the middle of the frame (its box's bottom centre at (0.5, 0.75)).
 */
class ReloadTest {

    static final Rgb VISITOR = new Rgb(200, 120, 60);
    static final String TOP = "[[0, 0], [1, 0], [1, 0.5], [0, 0.5]]", BOTTOM = "[[0, 0.5], [1, 0.5], [1, 1], [0, 1]]";

    @TempDir Path tmp;
    Path file, door, yard, yard2;
    final FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of(VISITOR, new Seen("person", 0.8f))), "person");
    /** Every door result as the bus saw it: sequence, capture time, triggers. */
    final List<FrameResult> doorResults = new CopyOnWriteArrayList<>();

    @BeforeEach
    void folders() throws Exception {
        door = images("door", 3);
        yard = images("yard", 3);
        yard2 = images("yard2", 2);
    }

    private Path images(String name, int n) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        try (Mat m = VISITOR.frame(64, 48)) {
            for (int i = 0; i < n; i++) assertTrue(opencv_imgcodecs.imwrite(d.resolve("f" + i + ".png").toString(), m));
        }
        return d;
    }

    private String yaml(String doorZone, float minScore, Path yardFolder, String webhooks) {
        return """
                model: %s
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 25, loop: true }
                    groups: { person: { labels: [person], min_score: %s } }
                    zones: [ { name: z, points: %s } ]
                    cooldown_s: 0
                    tracking: false
                  yard:
                    source: { folder: %s, fps: 25, loop: true }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                %s""".formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), door, minScore, doorZone, yardFolder, webhooks);
    }

    private Vigil start(String yaml) throws Exception {
        file = Files.writeString(tmp.resolve("vigil.yaml"), yaml);
        VigilConfig cfg = ConfigLoader.load(file, Map.of());
        FrameConsumer recorder = new FrameConsumer() {
            @Override public String name() { return "test-recorder"; }

            @Override public void accept(FrameOutcome o, Mat pixels) {
                if (o instanceof FrameResult r && r.camera().equals("door")) doorResults.add(r);
            }
        };
        return Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false)
                .withAnalyzers(fake.analyzers()).withConsumer(recorder));
    }

    private static void await(BooleanSupplier c, long ms, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
            Thread.sleep(20);
        }
    }

    private double reloads(Vigil v, String result) {
        return v.metrics().registry().get("vigil.config.reloads").tag("result", result).counter().count();
    }

    private long lastDoorSequence() { return doorResults.isEmpty() ? -1 : doorResults.getLast().sequence(); }

    @Test
    void aChangedZoneAppliesWithoutAReconnect() throws Exception {
        try (Vigil v = start(yaml(TOP, 0.5f, yard, ""))) {
            await(() -> v.frames().processed("door") >= 10, 20_000, "door frames: " + v.cameraStats());
            assertEquals(0, v.frames().events("door"), "the person stands below the top zone: nothing fires");
            Camera doorCam = v.daemon.pipeline("door").camera, yardCam = v.daemon.pipeline("yard").camera;
            long seqBefore = lastDoorSequence();
            String shaBefore = v.configStatus().sha256();

            Files.writeString(file, yaml(BOTTOM, 0.5f, yard, ""));
            Reload.Result r = v.reload("test");
            long afterReload = System.nanoTime();
            assertTrue(r.ok(), r.message());
            assertEquals(List.of("cameras.door.rules"), r.applied(), r.message());

            await(() -> v.frames().events("door") >= 5, 20_000, "the bottom zone holds the person: " + v.cameraStats());
            assertSame(doorCam, v.daemon.pipeline("door").camera, "the door camera kept its connection");
            assertSame(yardCam, v.daemon.pipeline("yard").camera, "the yard camera kept its connection");
            v.cameraStats().forEach(s -> assertEquals(0, s.reconnects(), s.toString()));
            // The frame sequence goes on: no camera restarted counting.
            FrameResult firstAfter = doorResults.stream().filter(x -> x.captureNanos() > afterReload).findFirst().orElseThrow();
            assertTrue(firstAfter.sequence() > seqBefore, firstAfter.sequence() + " after " + seqBefore);
            assertEquals(1, v.configStatus().reloads());
            assertFalse(v.configStatus().sha256().equals(shaBefore), "the status shows the new file's sha256");
            assertEquals(1.0, reloads(v, "ok"));
        }
    }

    @Test
    void anInvalidReloadLeavesEverythingAsItWas() throws Exception {
        try (Vigil v = start(yaml(TOP, 0.5f, yard, ""))) {
            await(() -> v.frames().processed("door") >= 5, 20_000, "door frames: " + v.cameraStats());
            VigilConfig before = v.config();
            Reload.Status status = v.configStatus();
            Camera doorCam = v.daemon.pipeline("door").camera;

            Files.writeString(file, yaml(BOTTOM, 1.5f, yard2, "webhooks: [ { url: \"http://127.0.0.1:9/x\" } ]\n"));
            Reload.Result r = v.reload("test");
            assertFalse(r.ok());
            assertTrue(r.message().startsWith(file + ": cameras.door.groups.person.min_score: 1.5"), r.message());
            assertSame(before, v.config(), "the running config is kept");
            assertEquals(status, v.configStatus(), "same sha256, load time and reload count");
            assertEquals(1.0, reloads(v, "invalid"));
            assertEquals(0.0, reloads(v, "ok"));

            // The same behaviour: the old zone still holds nothing back, no camera moved, no webhook started.
            long seen = v.frames().processed("door");
            await(() -> v.frames().processed("door") >= seen + 10, 20_000, "more door frames");
            assertEquals(0, v.frames().events("door"));
            assertSame(doorCam, v.daemon.pipeline("door").camera);
            assertTrue(v.daemon.cameraDescription("yard").contains(yard.toString()), v.daemon.cameraDescription("yard"));
            assertEquals(List.of(), v.webhooks().configs());

            // A model change goes through the hot swap: one that cannot be deployed refuses the reload whole.
            Files.writeString(file, yaml(BOTTOM, 0.5f, yard, "").replace(FakeEngine.modelFile(tmp).toString(), "other.tflite"));
            Reload.Result m = v.reload("test");
            assertFalse(m.ok());
            assertTrue(m.message().contains("model: ") && m.message().contains("other.tflite not deployed: ") && m.message().endsWith("nothing reloaded"), m.message());
            assertSame(before, v.config());
        }
    }

    @Test
    void aChangedModelIsDeployedByTheHotSwapAndTheRestOfTheFileApplies() throws Exception {
        try (Vigil v = start(yaml(BOTTOM, 0.9f, yard, ""))) {
            await(() -> v.frames().processed("door") >= 10, 20_000, "door frames: " + v.cameraStats());
            String first = v.model().name();
            java.nio.file.Path other = tmp.resolve("other.tflite");
            Files.copy(FakeEngine.modelFile(tmp), other, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(file, yaml(BOTTOM, 0.7f, yard, "").replace(FakeEngine.modelFile(tmp).toString(), other.toString()));
            Reload.Result r = v.reload("test");
            assertTrue(r.ok(), r.message());
            assertEquals("other.tflite", v.model().name(), "the live model is the file's after the reload (was " + first + ")");
            assertEquals(other.toString(), v.config().inference().model());
            assertTrue(r.restartNeeded().isEmpty(), "a model change needs no restart: " + r.restartNeeded());
            long after = System.nanoTime();
            await(() -> doorResults.stream().anyMatch(x -> x.captureNanos() > after && !x.triggers().isEmpty()), 20_000,
                    "0.7 applies with the new model: the 0.8 visitor fires");
        }
    }

    @Test
    void aThresholdChangeTakesEffectOnTheNextFrames() throws Exception {
        try (Vigil v = start(yaml(BOTTOM, 0.9f, yard, ""))) {
            await(() -> v.frames().processed("door") >= 10, 20_000, "door frames: " + v.cameraStats());
            assertEquals(0, v.frames().events("door"), "0.8 is below 0.9");
            long beforeReload = System.nanoTime();
            Files.writeString(file, yaml(BOTTOM, 0.7f, yard, ""));
            assertTrue(v.reload("test").ok());
            long afterReload = System.nanoTime();
            await(() -> doorResults.stream().filter(x -> x.captureNanos() > afterReload).count() >= 5, 20_000, "frames after the reload");
            // Frames decided before the reload began never fired; every frame captured after it returned fired.
            for (FrameResult x : doorResults) {
                if (x.doneNanos() < beforeReload) assertEquals(List.of(), x.triggers(), "frame " + x.sequence() + " before");
                if (x.captureNanos() > afterReload) assertEquals(1, x.triggers().size(), "frame " + x.sequence() + " after");
            }
        }
    }

    @Test
    void aChangedSourceReconnectsOnlyThatCamera() throws Exception {
        try (Vigil v = start(yaml(BOTTOM, 0.5f, yard, ""))) {
            await(() -> v.frames().processed("yard") >= 5 && v.frames().processed("door") >= 5, 20_000, "frames: " + v.cameraStats());
            Camera doorCam = v.daemon.pipeline("door").camera, yardCam = v.daemon.pipeline("yard").camera;
            long doorCaptured = v.cameraStats().getFirst().captured();

            Files.writeString(file, yaml(BOTTOM, 0.5f, yard2, ""));
            Reload.Result r = v.reload("test");
            assertTrue(r.ok(), r.message());
            assertEquals(List.of("cameras.yard.source (reconnected)"), r.applied());
            assertSame(doorCam, v.daemon.pipeline("door").camera, "door untouched");
            assertNotSame(yardCam, v.daemon.pipeline("yard").camera, "yard reopened");
            assertTrue(v.daemon.cameraDescription("yard").contains(yard2.toString()), v.daemon.cameraDescription("yard"));
            assertTrue(v.cameraStats().getFirst().captured() >= doorCaptured, "the door's count goes on");
            long yardNow = v.frames().processed("yard");
            await(() -> v.frames().processed("yard") >= yardNow + 5, 20_000, "the new yard source delivers: " + v.cameraStats());
            await(() -> v.health().problem() == null, 20_000, "ready: " + v.health().problem());
            assertEquals(dev.vigil.capture.CameraState.UP, v.health().camera("yard").state(), "the old camera's close does not stand for the new one");
            assertEquals(dev.vigil.health.Health.CameraHealth.FLOWING, v.health().camera("yard").health());
        }
    }

    @Test
    void aWebhookAddedByAReloadGetsTheVisitsAndARemovedOneStops() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger posts = new AtomicInteger();
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try (Vigil v = start(yaml(TOP, 0.5f, yard, ""))) {
            assertEquals(List.of(), v.webhooks().configs());
            String hook = "webhooks: [ { url: \"http://127.0.0.1:" + server.getAddress().getPort() + "/hook\" } ]\n";
            Files.writeString(file, yaml(BOTTOM, 0.5f, yard, hook));
            Reload.Result r = v.reload("test");
            assertTrue(r.ok(), r.message());
            assertEquals(List.of("cameras.door.rules", "webhooks"), r.applied());
            assertEquals(1, v.webhooks().configs().size());
            await(() -> posts.get() >= 1, 20_000, "the new webhook gets the door's visit");

            Files.writeString(file, yaml(BOTTOM, 0.5f, yard, ""));
            assertTrue(v.reload("test").ok());
            assertEquals(List.of(), v.webhooks().configs());
            assertTrue(v.metrics().registry().find("vigil.webhook.delivered").meters().isEmpty(), "its meters went with it");
        } finally {
            server.stop(0);
        }
    }
}
