package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alarm.AlarmState;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.inference.InferenceException;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Seen;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model deployed into a daemon that runs two replayed cameras: it takes over between two frames (no frame lost, no
 * camera reopened, the alarm state kept, every event naming the model that saw it), and a model that fails once live
 * sends the daemon back by itself. Fake engines stand in (the real models' refusals are {@link SelfTestRefusalTest}).
 */
class HotSwapTest {

    @TempDir
    Path tmp;

    static final String CONFIG = """
            model: %s
            events: { dir: %s }
            models: { probation_s: %s }
            cameras:
              door:
                source: { folder: %s, fps: 25, loop: true }
                groups: { person: { labels: [person], min_score: 0.5 } }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0.2
                tracking: false
              yard:
                source: { folder: %s, fps: 25, loop: true }
                groups: { person: { labels: [person], min_score: 0.5 } }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0.2
                tracking: false
            """;

    /** Every outcome's camera, sequence number and model, in the order the bus hands them over. */
    record Seen2(String camera, long sequence, String model, boolean failed) {}

    static final class Outcomes implements FrameConsumer {
        final List<Seen2> all = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override public String name() { return "test-outcomes"; }
        @Override public int capacity() { return 100_000; }

        @Override
        public void accept(FrameOutcome o, Mat pixels) {
            switch (o) {
                case FrameResult r -> all.add(new Seen2(r.camera(), r.sequence(), r.model().name(), false));
                case FrameOutcome.Failed f -> all.add(new Seen2(f.camera(), f.sequence(), null, true));
                case FrameOutcome.Skipped s -> all.add(new Seen2(s.camera(), s.sequence(), null, false));
            }
        }

        long count(String camera) { synchronized (all) { return all.stream().filter(s -> s.camera().equals(camera)).count(); } }

        List<Seen2> of(String camera) { synchronized (all) { return all.stream().filter(s -> s.camera().equals(camera)).toList(); } }

        /** A copy taken under the list's lock: streaming the synchronized list itself races with the bus. */
        List<Seen2> snapshot() { synchronized (all) { return List.copyOf(all); } }
    }

    Path modelFile(String name) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, "a FakeEngine stands in for model " + name + "\n");
        return f.toAbsolutePath();
    }

    VigilConfig config(Path model, int probationS) {
        Path images = TestData.images().toAbsolutePath();
        return ConfigLoader.parse(CONFIG.formatted(model, tmp.resolve("events"), probationS, images, images), tmp, Map.of());
    }

    /** The wiring's engine by model file name: a new fake on every open, as a real load makes a new interpreter. */
    static Wiring.Analyzers byFile(Map<String, Supplier<FakeEngine>> engines, Map<String, List<FakeEngine>> opened) {
        return (spec, options) -> {
            String file = spec.model().getFileName().toString();
            FakeEngine e = engines.get(file).get();
            opened.computeIfAbsent(file, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(e);
            return e.analyzers().open(spec, options);
        };
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aModelDeployedWhileTwoCamerasRunTakesOverBetweenTwoFramesLosingNone() throws Exception {
        Path a = modelFile("a.tflite"), b = modelFile("b.tflite");
        Map<String, List<FakeEngine>> opened = new ConcurrentHashMap<>();
        Map<String, Supplier<FakeEngine>> engines = Map.of(
                "a.tflite", () -> FakeEngine.detectorSeeing("person", 0.9f),
                "b.tflite", () -> FakeEngine.detectorSeeing("person", 0.8f));
        Outcomes seen = new Outcomes();
        // --once: lossless capture, so a sequence number missing from the outcomes is a frame lost by the swap.
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withOnce(true)
                .withAnalyzers(byFile(engines, opened)).withConsumer(seen);
        try (Vigil v = Wiring.start(config(a, 60), parts)) {
            await(() -> seen.count("door") > 25 && seen.count("yard") > 25, "frames before the swap");
            v.control().armed("door", false, "test");
            long reconnects = v.cameraStats().stream().mapToLong(c -> c.reconnects()).sum();

            DeployResult r = v.deployModel(new DeployRequest(b.toString(), false, "test"));

            assertTrue(r.switched(), r.message());
            assertEquals("b.tflite", r.model().name());
            assertEquals(1.0, r.agreement(), 1e-9, "both see a person in every frame");
            assertEquals("b.tflite", v.model().name());
            await(() -> seen.of("door").stream().filter(s -> "b.tflite".equals(s.model())).count() > 25
                    && seen.of("yard").stream().filter(s -> "b.tflite".equals(s.model())).count() > 25, "frames after the swap");
            assertEquals(AlarmState.DISARMED, v.decisions().alarmState("door"), "the alarm state is the decision stage's, kept");
            assertTrue(v.decisions().alarmState("yard") != AlarmState.DISARMED);
            assertEquals(reconnects, v.cameraStats().stream().mapToLong(c -> c.reconnects()).sum(), "no camera reconnected");
            ModelSwap.Status st = v.models().status();
            assertEquals("a.tflite", st.previous().id().name(), "the previous model stays loaded in probation");
            assertFalse(opened.get("a.tflite").getFirst().closed());
            var registry = v.metrics().registry();
            await(() -> registry.find("vigil.inference").tags("camera", "door", "model", "b.tflite").timer() != null,
                    "the new model's own inference timer");
            long countA = registry.get("vigil.inference").tags("camera", "door", "model", "a.tflite").timer().count();
            await(() -> registry.get("vigil.inference").tags("camera", "door", "model", "b.tflite").timer().count() > 5, "b's frames timed as b's");
            assertEquals(countA, registry.get("vigil.inference").tags("camera", "door", "model", "a.tflite").timer().count(), "a's timer stopped");
        }
        for (String camera : List.of("door", "yard")) {
            List<Seen2> frames = seen.of(camera);
            for (int i = 1; i < frames.size(); i++)
                assertEquals(frames.get(i - 1).sequence() + 1, frames.get(i).sequence(), camera + ": frame lost after " + frames.get(i - 1));
            int firstB = -1;
            for (int i = 0; i < frames.size(); i++) if ("b.tflite".equals(frames.get(i).model()) && firstB < 0) firstB = i;
            for (int i = 0; i < frames.size(); i++)
                assertEquals(i < firstB ? "a.tflite" : "b.tflite", frames.get(i).model(), camera + " frame " + frames.get(i));
        }
        assertTrue(opened.get("a.tflite").getFirst().closed(), "closed at shutdown: native memory returned");
        List<String> models = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        String shaA = dev.vigil.model.Sha256.of(a).substring(0, 12), shaB = dev.vigil.model.Sha256.of(b).substring(0, 12);
        for (String line : Files.readAllLines(tmp.resolve("events/events.jsonl"))) {
            JsonNode e = json.readTree(line);
            String m = e.get("model").asText();
            assertEquals(m.equals("a.tflite") ? shaA : shaB, e.get("model_sha256").asText(), line);
            if (models.isEmpty() || !models.getLast().equals(m)) models.add(m);
        }
        assertEquals(List.of("a.tflite", "b.tflite"), models, "events before the swap name a, after it b");
    }

    @Test
    void aModelThatFailsAfterTheSwitchRollsBackByItself() throws Exception {
        Path a = modelFile("a.tflite"), b = modelFile("b.tflite");
        Map<String, List<FakeEngine>> opened = new ConcurrentHashMap<>();
        // b passes its self-test (the deploy's thread) and fails on the frame path.
        Map<String, Supplier<FakeEngine>> engines = Map.of(
                "a.tflite", () -> FakeEngine.detectorSeeing("person", 0.9f),
                "b.tflite", () -> FakeEngine.detector(c -> {
                    if (Thread.currentThread().getName().equals("inference")) throw new InferenceException("model b: invoke failed (test)");
                    return List.of(new Seen("person", 0.9f));
                }, "person"));
        Outcomes seen = new Outcomes();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withOnce(true)
                .withAnalyzers(byFile(engines, opened)).withConsumer(seen);
        try (Vigil v = Wiring.start(config(a, 60), parts)) {
            await(() -> seen.count("door") > 10, "frames before the swap");
            DeployResult r = v.deployModel(new DeployRequest(b.toString(), false, "test"));
            assertTrue(r.switched(), r.message());
            await(() -> v.models().status().rollbacks() == 1, "the rollback");
            assertEquals("a.tflite", v.model().name());
            assertNull(v.models().status().previous());
            await(() -> opened.get("b.tflite").getFirst().closed(), "the failed model closed");
            assertFalse(opened.get("a.tflite").getFirst().closed(), "the first model runs again");
            await(() -> seen.snapshot().stream().filter(Seen2::failed).count() >= ModelSwap.ERRORS_TO_ROLL_BACK, "the failed frames on the bus");
            double rollbacks = v.metrics().registry().get("vigil.model.rollbacks").counter().count();
            assertEquals(1.0, rollbacks);
            int before = seen.all.size();
            await(() -> seen.all.size() > before + 10, "frames after the rollback");
            assertEquals(ModelSwap.ERRORS_TO_ROLL_BACK, seen.snapshot().stream().filter(Seen2::failed).count(), "three errors, then back for good");
        }
    }

    @Test
    void aModelThatRunsSlowerThanTheAllowedFactorRollsBackByItself() throws Exception {
        Path a = modelFile("a.tflite"), b = modelFile("b.tflite");
        Map<String, List<FakeEngine>> opened = new ConcurrentHashMap<>();
        Map<String, Supplier<FakeEngine>> engines = Map.of(
                "a.tflite", () -> FakeEngine.detectorSeeing("person", 0.9f),
                "b.tflite", () -> FakeEngine.detector(c -> {
                    if (Thread.currentThread().getName().equals("inference")) {
                        try {
                            Thread.sleep(20); // far over 3 x the fake's fraction of a millisecond
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return List.of(new Seen("person", 0.9f));
                }, "person"));
        Outcomes seen = new Outcomes();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withOnce(true)
                .withAnalyzers(byFile(engines, opened)).withConsumer(seen);
        try (Vigil v = Wiring.start(config(a, 60), parts)) {
            await(() -> seen.count("door") > 20 && seen.count("yard") > 20, "frames before the swap: the old model's baseline");
            assertTrue(v.deployModel(new DeployRequest(b.toString(), false, "test")).switched());
            await(() -> v.models().status().rollbacks() == 1, "the rollback");
            assertEquals("a.tflite", v.model().name());
            long slow = seen.snapshot().stream().filter(s -> "b.tflite".equals(s.model())).count();
            assertTrue(slow >= ModelSwap.SLOW_FRAMES && slow <= ModelSwap.SLOW_FRAMES + 2,
                    "judged on its first " + ModelSwap.SLOW_FRAMES + " frames, then back: " + slow);
        }
    }

    @Test
    void aDeployOverHttpSlowerThanTheConnectionsIdleLimitIsStillAnswered() throws Exception {
        // Jetty applies its 5 s idle limit to a connection waiting for I/O, not to a request being handled: pinned here.
        Path a = modelFile("a.tflite"), b = modelFile("b.tflite");
        Path token = Files.writeString(tmp.resolve("http-token"), SelfTestRefusalTest.TOKEN + "\n");
        java.util.concurrent.atomic.AtomicBoolean slept = new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, Supplier<FakeEngine>> engines = Map.of(
                "a.tflite", () -> FakeEngine.detectorSeeing("person", 0.9f),
                "b.tflite", () -> FakeEngine.detector(c -> {
                    if (!Thread.currentThread().getName().equals("inference") && slept.compareAndSet(false, true)) {
                        try {
                            Thread.sleep(6500); // a slow board's load and self-test: past the 5 s idle limit
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return List.of(new Seen("person", 0.9f));
                }, "person"));
        Outcomes seen = new Outcomes();
        String yaml = CONFIG.formatted(a, tmp.resolve("events"), 60, TestData.images().toAbsolutePath(),
                TestData.images().toAbsolutePath()) + "http: { listen: \"127.0.0.1:0\", auth: token, token_file: " + token + " }\n";
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withAnalyzers(byFile(engines, new ConcurrentHashMap<>()))
                .withConsumer(seen);
        try (Vigil v = Wiring.start(cfg, parts)) {
            await(() -> seen.count("door") > 10, "frames before the swap");
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + v.http().port() + "/api/models/deploy"))
                    .header("Authorization", "Bearer " + SelfTestRefusalTest.TOKEN).timeout(Duration.ofSeconds(60))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(b.toString())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("switched to b.tflite"), response.body());
            assertTrue(slept.get());
        }
    }

    @Test
    void aShadowModelRunsOnOneFrameInTenActsOnNothingAndEndsWhenAModelIsDeployed() throws Exception {
        Path a = modelFile("a.tflite"), b = modelFile("b.tflite"), c = modelFile("c.tflite");
        Path token = Files.writeString(tmp.resolve("http-token"), SelfTestRefusalTest.TOKEN + "\n");
        Map<String, List<FakeEngine>> opened = new ConcurrentHashMap<>();
        Map<String, Supplier<FakeEngine>> engines = Map.of(
                "a.tflite", () -> FakeEngine.detectorSeeing("person", 0.9f),
                "b.tflite", () -> FakeEngine.detector(FakeEngine.always(), "person"), // sees nobody: disagrees on every frame
                "c.tflite", () -> FakeEngine.detectorSeeing("person", 0.7f));
        Outcomes seen = new Outcomes();
        String yaml = CONFIG.formatted(a, tmp.resolve("events"), 60, TestData.images().toAbsolutePath(), TestData.images().toAbsolutePath())
                + "http: { listen: \"127.0.0.1:0\", auth: token, token_file: " + token + " }\n";
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withAnalyzers(byFile(engines, opened)).withConsumer(seen);
        try (Vigil v = Wiring.start(ConfigLoader.parse(yaml, tmp, Map.of()), parts)) {
            await(() -> seen.count("door") > 10, "frames before the shadow");
            String[] to = {"--to", "127.0.0.1:" + v.http().port(), "--token-file", token.toString()};
            SelfTestRefusalTest.Cli d = SelfTestRefusalTest.cli(SelfTestRefusalTest.concat(new String[] {"models", "deploy", b.toString(), "--shadow"}, to));
            assertEquals(0, d.code(), d.out() + d.err());
            assertTrue(d.out().startsWith("shadowing b.tflite ("), d.out());
            // The shadow takes its place between two frames, a moment after the answer (longer on a loaded machine).
            await(() -> v.models().status().shadow() != null && v.models().status().shadow().frames() >= 10, "shadow frames");
            ModelSwap.Status st = v.models().status();
            assertEquals("a.tflite", v.model().name(), "the live model stays");
            assertEquals(0, st.shadow().agreed(), "b sees nobody where a sees a person");
            long processed = seen.all.size();
            assertTrue(st.shadow().frames() <= processed / ModelSwap.SHADOW_EVERY + 3, st.shadow() + " of " + processed);
            assertTrue(seen.snapshot().stream().allMatch(s -> s.model() == null || s.model().equals("a.tflite")), "no outcome of the shadow");
            assertTrue(v.metrics().registry().get("vigil.shadow.frames").tag("result", "disagree").counter().count() >= 10);
            SelfTestRefusalTest.Cli report = SelfTestRefusalTest.cli(SelfTestRefusalTest.concat(new String[] {"models", "shadow-report"}, to));
            assertEquals(0, report.code(), report.err());
            assertTrue(report.out().contains("shadow  b.tflite") && report.out().contains("agreement 0 of "), report.out());

            assertTrue(v.deployModel(new DeployRequest(c.toString(), false, "test")).switched());
            assertNull(v.models().status().shadow(), "a deploy ends the shadow");
            await(() -> opened.get("b.tflite").getFirst().closed(), "the shadow model closed");
            assertTrue(v.metrics().registry().find("vigil.shadow.frames").counters().isEmpty(), "its meters gone");
        }
    }
}
