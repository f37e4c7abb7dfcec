package dev.vigil.http;

import static dev.vigil.http.ControlHttpTest.refused;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.EventFiles;
import dev.vigil.inference.EngineOptions;
import dev.vigil.learn.Learner;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review page's learn through HTTP on a real daemon, a real sample store and the real extractor: behind the command
 * gate, on its own thread, its result (the head kept and why, validation accuracy, time) read back from the status, and
 * when asked, deployed by the hot swap.
 */
class LearnRoutesTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> PHOTOS = List.of("dog.bmp", "dog_bicycle_car.jpg", "cat.bmp", "chelsea.png");
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String name = "review-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String base;

    @AfterEach
    void removeLearnedModels() throws Exception {
        for (String n : new String[] {name, name + "-0"}) {
            Path dir = ModelStore.fromEnvironment().learnedDir().resolve(n);
            if (!Files.exists(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /**
     * Per photo three frames (as taken, mirrored, darker), each a labelled sample: with {@code boxes} a detector's
     * sample whose animal box a person confirmed, else a classifier's with the animal as the whole frame's class.
     * Then one unlabelled sample and one labelled "nothing there": neither teaches anything.
     */
    static int prefill(Path ds, boolean boxes) throws Exception {
        SampleStore store = SampleStore.open(ds, Long.MAX_VALUE, EventFiles.local());
        Instant t = Instant.parse("2026-11-21T08:00:00Z");
        int n = 0;
        try (Analyzer detector = Analyzer.open(ModelSpec.of(ModelStore.fromEnvironment().resolve("ssd_mobilenet_v1_coco_quant")), Analyzer.Options.defaults(2))) {
            for (String p : PHOTOS) {
                String animal = p.startsWith("dog") ? "dog" : "cat";
                float[] box = null;
                try (Mat photo = TestData.read(p)) {
                    detector.analyze(photo, 0.5f);
                    var d = detector.detections();
                    for (int i = 0; i < d.count() && box == null; i++)
                        if (detector.label(d.classIndex(i)).equals(animal)) box = new float[] {d.xmin(i), d.ymin(i), d.xmax(i), d.ymax(i)};
                    assertTrue(box != null, "the detector finds the " + animal + " of " + p);
                    for (int v = 0; v < 3; v++) {
                        try (Mat frame = photo.clone(); BytePointer jpeg = new BytePointer()) {
                            double[] b = {box[0], box[1], box[2], box[3]};
                            if (v == 1) {
                                flip(frame, frame, 1);
                                b = new double[] {1 - box[2], box[1], 1 - box[0], box[3]};
                            }
                            if (v == 2) frame.convertTo(frame, -1, 0.7, 0);
                            assertTrue(imencode(".jpg", frame, jpeg));
                            byte[] bytes = new byte[(int) jpeg.limit()];
                            jpeg.get(bytes);
                            n++;
                            Sample.Box label = boxes ? new Sample.Box(animal, 1, b) : new Sample.Box(animal, 1, null);
                            store.add(sample(t.plusSeconds(n), n, boxes, frame, List.of(label)), bytes);
                        }
                    }
                }
            }
            try (Mat photo = TestData.read("cat.bmp"); BytePointer jpeg = new BytePointer()) {
                imencode(".jpg", photo, jpeg);
                byte[] bytes = new byte[(int) jpeg.limit()];
                jpeg.get(bytes);
                store.add(sample(t.plusSeconds(100), 100, boxes, photo, null), bytes);
                store.add(sample(t.plusSeconds(101), 101, boxes, photo, List.of()), bytes);
            }
        }
        return n;
    }

    static Sample sample(Instant t, int frame, boolean detector, Mat m, List<Sample.Box> labels) {
        return new Sample(Sample.id(t, "door", Integer.toString(frame)), t, "door", "p.jpg", "random", List.of("random"), "m", "b".repeat(64),
                detector ? "detector" : "classifier", m.cols(), m.rows(), List.of(), labels, null, null, frame);
    }

    JsonNode awaitEnd() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonNode s = JSON.readTree(get("/api/learn/status").body());
            if (!s.get("state").asText().equals("running")) return s;
            assertTrue(System.nanoTime() < end, "the learn ends: " + s);
            Thread.sleep(50);
        }
    }

    @Test
    void theBoxesOfADetectorsSamplesAreLearnedOnTheLearnThreadBehindTheGate() throws Exception {
        Path ds = tmp.resolve("ds"), photos = Files.createDirectories(tmp.resolve("photos"));
        Files.copy(TestData.image("cat.bmp"), photos.resolve("cat.bmp"));
        int labelled = prefill(ds, true);
        Path token = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        VigilConfig cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups: { animal: { labels: [dog, cat], min_score: 0.5 } }
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false },
                            flicker: { enabled: false }, novelty: { enabled: false } } }
                """.formatted(tmp.resolve("events"), token, photos, ds), tmp, Map.of());
        try (Vigil d = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(60)));
            base = "http://127.0.0.1:" + d.http().port();
            assertEquals("{\"state\":\"idle\"}", get("/api/learn/status").body());
            String body = "{\"name\": \"" + name + "\", \"crops\": true, \"labels\": [\"dog\", \"cat\"]}";
            refused(post(body, false), 401, "a command needs the token");
            refused(post("{\"name\": \"" + name + "\", \"margin\": 0.2}", true), 400, "margin and labels apply to box crops; add \"crops\": true");
            refused(post("{\"name\": \"mobilenet_v2_quant\"}", true), 400, "name mobilenet_v2_quant is a catalog model");
            refused(post("{\"name\": \"" + name + "\", \"crops\": true, \"margin\": 3}", true), 400, "margin 3.0 must be between 0 and 1");
            assertEquals(405, get("/api/learn").statusCode(), "a command is a POST");

            HttpResponse<String> started = post(body, true);
            assertEquals(202, started.statusCode(), started.body());
            assertEquals("running", JSON.readTree(started.body()).get("state").asText());
            JsonNode s = awaitEnd();
            System.out.println("learn from the review page: " + s);
            assertEquals("done", s.get("state").asText(), s.toString());
            assertEquals(name, s.get("name").asText());
            assertTrue(s.get("crops").asBoolean());
            assertEquals(labelled, s.get("examples").asInt(), "one crop per labelled box");
            assertEquals(labelled, s.get("embedded").asInt());
            assertEquals(1, s.get("skipped").asInt(), "the sample labelled \"nothing there\" has no box to learn");
            assertEquals("[\"cat\",\"dog\"]", s.get("classes").toString());
            assertEquals(s.get("train").asInt() + s.get("validation").asInt(), labelled);
            String kept = s.get("kept").asText();
            assertTrue(s.get("why").asText().startsWith("kept " + kept) || s.get("validation").asInt() == 0, s.toString());
            assertTrue(s.get("seconds").asDouble() > 0 && s.get("embed_seconds").asDouble() > 0, s.toString());
            assertTrue(Files.isRegularFile(Path.of(s.get("head").asText())), "the learned model exists once its head does");
            assertEquals(ModelStore.fromEnvironment().learnedHead(name).toString(), s.get("head").asText());
        }
    }

    @Test
    void aLearnAskedToDeployIsSwitchedInByTheHotSwap() throws Exception {
        Path ds = tmp.resolve("ds"), photos = Files.createDirectories(tmp.resolve("photos"));
        for (String p : PHOTOS) Files.copy(TestData.image(p), photos.resolve(p));
        prefill(ds, false);
        // The camera runs a model learned before (same classes), as a station that learns again would.
        Learner.learn(ModelStore.fromEnvironment(), new Learner.Options(name + "-0", ds, Learner.DEFAULT_BASE, null, "tflite", EngineOptions.cpu(2), 0.2, true));
        VigilConfig cfg = ConfigLoader.parse("""
                model: %s
                threads: 1
                events: { dir: %s }
                http: { listen: "127.0.0.1:0" }
                cameras:
                  door:
                    source: { folder: %s, fps: 8, loop: true }
                    groups: { animal: { labels: [cat], min_score: 0.5 } }
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false },
                            flicker: { enabled: false }, novelty: { enabled: false } } }
                """.formatted(name + "-0", tmp.resolve("events"), photos, ds), tmp, Map.of());
        try (Vigil d = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()))) {
            assertEquals(name + "-0", d.model().name());
            base = "http://127.0.0.1:" + d.http().port();
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (d.cameraStats().getFirst().delivered() < 8) { // the swap's self-test needs recent frames
                assertTrue(System.nanoTime() < end, "frames: " + d.cameraStats());
                Thread.sleep(50);
            }
            HttpResponse<String> started = post("{\"name\": \"" + name + "\", \"deploy\": true}", true);
            assertEquals(202, started.statusCode(), started.body());
            JsonNode s = awaitEnd();
            System.out.println("learn and deploy from the review page: " + s);
            assertEquals("done", s.get("state").asText(), s.toString());
            assertEquals("[\"cat\",\"dog\"]", s.get("classes").toString());
            assertTrue(s.at("/deployed/ok").asBoolean(), s.toString());
            assertEquals(name, d.model().name());
        }
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + AccessTest.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/learn")).timeout(Duration.ofSeconds(10));
        if (token) b.header("Authorization", "Bearer " + AccessTest.TOKEN);
        return client.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
