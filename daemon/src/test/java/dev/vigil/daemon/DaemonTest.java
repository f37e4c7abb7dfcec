package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon end to end on real models and photos: sources in, events.jsonl and snapshots out. Where the model is not the
 * subject (the consumers), a fake engine stands in.
 */
class DaemonTest {

    @TempDir
    Path tmp;

    static final String DOORBELL = """
            model: ssd_mobilenet_v1_coco_quant
            threads: 2
            http: { listen: "127.0.0.1:0" }
            events: { dir: %s }
            cameras:
              door:
                source: %s
                groups:
                  person: { labels: [person], min_score: 0.5 }
                  animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0
                tracking: false
            """;

    VigilConfig config(String source) {
        return ConfigLoader.parse(DOORBELL.formatted(tmp.resolve("events"), source), tmp, Map.of());
    }

    List<JsonNode> events() throws Exception {
        ObjectMapper m = new ObjectMapper();
        Path log = tmp.resolve("events/events.jsonl");
        if (!Files.exists(log)) return List.of();
        return Files.readAllLines(log).stream().map(l -> {
            try {
                return m.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("torn line " + l, e);
            }
        }).toList();
    }

    static Wiring.Parts parts(boolean once) {
        return Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(once).withHttp(false);
    }

    static void runOnce(VigilConfig cfg) throws Exception {
        try (Vigil d = Wiring.start(cfg, parts(true))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(90)), "--once did not finish: " + d.cameraStats());
            assertEquals(null, d.failure());
        }
    }

    @Test
    void folderReplayTellsPeopleFromAnimals() throws Exception {
        runOnce(config("{ folder: " + TestData.images().toAbsolutePath() + ", fps: 20, loop: false }"));
        Map<String, Set<String>> groupsByImage = new HashMap<>();
        for (JsonNode e : events()) {
            groupsByImage.computeIfAbsent(e.get("source_ref").asText(), k -> new TreeSet<>()).add(e.get("group").asText());
            assertEquals("door", e.get("camera").asText());
            assertTrue(Files.isRegularFile(tmp.resolve("events").resolve(e.get("snapshot").asText())), "snapshot of " + e);
            assertEquals(4, e.get("box").size());
            assertTrue(e.get("time").asText().endsWith("Z"));
        }
        for (String p : new String[] {"grace_hopper.bmp", "kite_and_cold.jpg", "astronaut.png", "person_dog_horse.jpg"})
            assertTrue(groupsByImage.getOrDefault(p, Set.of()).contains("person"), p + ": " + groupsByImage);
        for (String a : new String[] {"cat.bmp", "dog.bmp", "chelsea.png"})
            assertEquals(Set.of("animal"), groupsByImage.get(a), a + ": " + groupsByImage);
        for (String none : new String[] {"hot_dog.jpg", "empty_street.jpg"})
            assertTrue(!groupsByImage.containsKey(none), none + ": " + groupsByImage);
    }

    @Test
    void aVideoFileMadeFromThePhotosPlaysThroughTheFileSource() throws Exception {
        Path clip = tmp.resolve("clip.avi");
        String[] photos = {"empty_street.jpg", "grace_hopper.bmp", "hot_dog.jpg", "chelsea.png"};
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(clip.toFile(), 640, 480);
             OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
             Size size = new Size(640, 480)) {
            rec.setFormat("avi");
            rec.setVideoCodec(org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG);
            rec.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P);
            rec.setFrameRate(5);
            rec.setVideoQuality(2);
            rec.start();
            for (String p : photos) {
                try (Mat img = TestData.read(p); Mat frame = new Mat()) {
                    opencv_imgproc.resize(img, frame, size);
                    for (int i = 0; i < 3; i++) rec.record(conv.convert(frame));
                }
            }
            rec.stop();
        }
        runOnce(config("{ file: " + clip + ", loop: false }"));
        List<JsonNode> ev = events();
        Set<String> groups = new TreeSet<>();
        ev.forEach(e -> groups.add(e.get("group").asText()));
        assertEquals(Set.of("animal", "person"), groups, ev.toString());
        // 3 frames of Grace Hopper and 3 of the cat, cooldown 0 and no tracking: each frame fires.
        long persons = ev.stream().filter(e -> e.get("group").asText().equals("person")).count();
        assertTrue(persons >= 3, "person events " + persons);
        assertTrue(ev.get(0).get("source_ref").asText().startsWith("clip.avi"), ev.get(0).toString());
    }

    @Test
    void sigtermStopsWithinFiveSecondsFlushesEventsAndExitsZero() throws Exception {
        Path cfg = tmp.resolve("loop.yaml");
        Files.writeString(cfg, DOORBELL.formatted(tmp.resolve("events"),
                "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 10, loop: true }"));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(),
                "-Dvigil.home=" + tmp.resolve("home"), "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main",
                "run", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events().size() < 3 && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(200);
            assertTrue(events().size() >= 3, "events before SIGTERM: " + Files.readString(tmp.resolve("daemon.log")));
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "still running 5 s after SIGTERM");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("daemon.log")));
            assertTrue(Files.readString(tmp.resolve("daemon.log")).contains("stopped in"), "clean stop logged");
            List<JsonNode> ev = events(); // every line whole, every snapshot there
            for (JsonNode e : ev) assertTrue(Files.isRegularFile(tmp.resolve("events").resolve(e.get("snapshot").asText())));
            System.out.println("SIGTERM to exit: " + ms + " ms, " + ev.size() + " events");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void anUnreachableCameraStaysDownWhileTheOtherOneWorks() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) { port = s.getLocalPort(); } // now closed: nothing listens
        String yaml = """
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                cameras:
                  gone:
                    source: { stream: "rtsp://user:secret@127.0.0.1:%d/cam", connect_timeout_s: 1, read_timeout_s: 1 }
                    groups: { person: { labels: [person] } }
                  door:
                    source: { folder: %s, fps: 20, loop: true }
                    groups: { person: { labels: [person] } }
                    cooldown_s: 0
                    tracking: false
                """.formatted(tmp.resolve("events"), port, TestData.images().toAbsolutePath());
        try (Vigil d = Wiring.start(ConfigLoader.parse(yaml, tmp, Map.of()), parts(false))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events().size() < 2 && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(events().size() >= 2, "the working camera records events: " + d.cameraStats());
            var gone = d.cameraStats().stream().filter(c -> c.camera().equals("gone")).findFirst().orElseThrow();
            assertTrue(gone.state() != dev.vigil.capture.CameraState.UP, gone.toString());
            assertEquals(0, d.frames().processed("gone"));
            assertEquals(null, d.failure());
            // A camera down is a fact to report, not a reason to restart: ready for systemd, not stuck, 503 for /readyz.
            assertTrue(d.health().ready());
            assertEquals(null, d.health().stuck());
            String problem = d.health().problem();
            assertTrue(problem != null && problem.startsWith("camera gone: "), problem);
            assertTrue(!problem.contains("secret"), "no credential in the reason: " + problem);
        }
    }

    @Test
    void anEventsDirectoryThatFailsToOpenAfterThePreflightIsOneErrorAndDetectionGoesOn() throws Exception {
        // Writable, so the preflight passes (RunPreflightTest: a file in its place stops the start); its journal is a
        // folder, which only the store's own opening finds.
        Path dir = Files.createDirectories(tmp.resolve("events-broken").resolve("events.jsonl")).getParent();
        String yaml = DOORBELL.replace("events: { dir: %s }", "events: { dir: " + dir + " }")
                .formatted("{ folder: " + TestData.images().toAbsolutePath() + ", fps: 20, loop: false }");
        try (Vigil d = Wiring.start(ConfigLoader.parse(yaml, tmp, Map.of()), parts(true))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(60)));
            assertEquals(null, d.events());
            d.bus().close(); // drained: the metrics consumer has counted every frame
            long processed = d.frames().processed("door");
            assertTrue(processed >= 10, "processed " + processed);
            assertTrue(d.frames().events("door") >= 7, "triggers still counted: " + d.frames().events("door"));
        }
    }

    /** Counts what it is given; optionally blocks on every outcome until released (a consumer behind a slow disk). */
    static final class Counting implements dev.vigil.consumer.FrameConsumer {
        final String name;
        final java.util.concurrent.CountDownLatch gate;
        final java.util.concurrent.atomic.AtomicInteger results = new java.util.concurrent.atomic.AtomicInteger(),
                skipped = new java.util.concurrent.atomic.AtomicInteger(), triggers = new java.util.concurrent.atomic.AtomicInteger(),
                withPixels = new java.util.concurrent.atomic.AtomicInteger();
        final List<Long> sequences = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        Counting(String name, java.util.concurrent.CountDownLatch gate) {
            this.name = name;
            this.gate = gate;
        }

        @Override public String name() { return name; }

        @Override public boolean wantsPixels(dev.vigil.pipeline.FrameOutcome o) { return o instanceof dev.vigil.pipeline.FrameResult; }

        @Override public void accept(dev.vigil.pipeline.FrameOutcome o, org.bytedeco.opencv.opencv_core.Mat pixels) {
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sequences.add(o.sequence());
            switch (o) {
                case dev.vigil.pipeline.FrameResult r -> {
                    assertTrue(r.timings().inference() > 0 && r.doneNanos() >= r.captureNanos());
                    assertTrue(pixels != null && pixels.cols() > 0, "the copy of the frame comes with it");
                    withPixels.incrementAndGet();
                    results.incrementAndGet();
                    triggers.addAndGet(r.triggers().size());
                }
                case dev.vigil.pipeline.FrameOutcome.Skipped x -> skipped.incrementAndGet();
                case dev.vigil.pipeline.FrameOutcome.Failed x -> { }
            }
        }
    }

    @Test
    void consumersGetEveryOutcomeInOrderABrokenOneHarmsNoneAndAStuckOneOnlyDropsItsOwn() throws Exception {
        Counting counter = new Counting("counter", null);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Counting stuck = new Counting("stuck", release);
        dev.vigil.consumer.FrameConsumer broken = new dev.vigil.consumer.FrameConsumer() {
            @Override public String name() { return "broken"; }

            @Override public void accept(dev.vigil.pipeline.FrameOutcome o, org.bytedeco.opencv.opencv_core.Mat p) {
                throw new IllegalStateException("consumer bug");
            }
        };
        // Ten frames; the fake sees a person in the four orange ones (0, 3, 6, 9) and nothing in the grey ones.
        Rgb visitor = new Rgb(200, 120, 60), street = new Rgb(90, 90, 90);
        Path folder = Files.createDirectories(tmp.resolve("frames"));
        for (int i = 0; i < 10; i++) {
            try (Mat m = (i % 3 == 0 ? visitor : street).frame(160, 120)) {
                opencv_imgcodecs.imwrite(folder.resolve("frame-%02d.png".formatted(i)).toString(), m);
            }
        }
        FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of(visitor, new Seen("person", 0.9f))), "person");
        VigilConfig cfg = ConfigLoader.parse(DOORBELL.replace("model: ssd_mobilenet_v1_coco_quant", "model: " + FakeEngine.modelFile(tmp))
                .formatted(tmp.resolve("events"), "{ folder: " + folder + ", fps: 50, loop: false }"), tmp, Map.of());
        Wiring.Parts p = parts(true).withAnalyzers(fake.analyzers()).withConsumer(broken).withConsumer(counter).withConsumer(stuck);
        try (Vigil d = Wiring.start(cfg, p)) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(60)));
            assertEquals(null, d.failure());
            release.countDown();
            d.bus().close();
            assertEquals(10, counter.results.get(), "10 frames, each processed");
            assertEquals(10, fake.invocations());
            assertEquals(d.frames().processed("door"), counter.results.get(), "the same count as /metrics");
            assertEquals(4, counter.triggers.get(), "a trigger for each frame with a person");
            assertEquals(d.frames().events("door"), counter.triggers.get());
            assertEquals(counter.triggers.get(), events().size(), "one event line per trigger");
            assertEquals(counter.sequences.stream().sorted().toList(), counter.sequences, "in frame order");
            assertEquals(10, stuck.results.get() + d.bus().dropped("stuck"), "a stuck consumer loses only its own outcomes");
            assertEquals(0, d.bus().dropped("counter"));
        }
    }
}
