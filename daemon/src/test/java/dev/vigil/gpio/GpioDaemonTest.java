package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.capture.Frame;
import dev.vigil.capture.FrameSource;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.qc.QcCounts;
import dev.vigil.qc.QcStation;
import dev.vigil.qc.Verdict;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPIO stage wired into the real daemon, with Pi4J's mock pins and a fake engine: the camera shows solid colours and
 * the fake says what each one is, so the test decides what the model sees.
 */
public class GpioDaemonTest {

    @TempDir
    Path tmp;

    record Change(boolean high, long nanos) {}

    static Wiring.Parts parts(FakeEngine fake) {
        return Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers());
    }

    public static void await(BooleanSupplier c, long ms, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + ms + " ms: " + what);
            Thread.sleep(5);
        }
    }

    /** A camera looking at whatever the test puts in front of it: every frame shows the scene named by {@code showing}. */
    public static final class Scene implements FrameSource {
        public volatile String showing;
        final Map<String, Mat> scenes;

        public Scene(Map<String, Mat> scenes, String showing) {
            this.scenes = scenes;
            this.showing = showing;
        }

        @Override public void open() {}

        @Override
        public String read(Mat dst) {
            String s = showing;
            scenes.get(s).copyTo(dst);
            return s;
        }

        @Override public double pace() { return 20; }

        @Override public boolean finite() { return false; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "scene"; }

        @Override public void close() {}

        public void release() { scenes.values().forEach(Mat::close); }
    }

    static final Rgb STREET = new Rgb(90, 90, 90), VISITOR = new Rgb(200, 120, 60);

    @Test
    void aQuietPirMeansNoInferenceAndAPersonThenRingsTheRelay() throws Exception {
        String yaml = """
                model: %s
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: /replaced, fps: 20 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                gpio:
                  outputs: { relay: { pin: 24, kind: relay, active_low: true } }
                  inputs: { pir: { pin: 27, kind: wake, pull: down, hold_s: 5, debounce_ms: 10 } }
                  actions: [ { group: person, output: relay, pulse_ms: 200 } ]
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"));
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of(STREET, new Seen("car", 0.9f), VISITOR, new Seen("person", 0.8f))),
                "person", "car");
        Scene door = new Scene(Map.of("street", STREET.frame(320, 240), "visitor", VISITOR.frame(320, 240)), "street");
        Pi4jPins pins = Pi4jPins.mock("test");
        try (Vigil v = Wiring.start(cfg, parts(fake).withPins(c -> pins).withSources(Map.of("door", door)))) {
            GpioStage gpio = v.gpio();
            var frames = v.frames();
            List<Change> relay = Collections.synchronizedList(new ArrayList<>());
            pins.onOutputLevel("relay", (high, nanos) -> relay.add(new Change(high, nanos)));
            await(() -> frames.gateSkipped("door") >= 10, 20_000, "frames skipped while the PIR is quiet: " + v.cameraStats());
            assertEquals(0, frames.processed("door"), "no inference while nobody is there");
            assertEquals(0, fake.invocations(), "the engine never ran");
            double wake = v.metrics().registry().get("vigil.frames.dropped").tags("camera", "door", "reason", "wake").counter().count();
            assertTrue(wake >= 10 && wake <= frames.gateSkipped("door"), "every skip counted with reason wake: " + wake);
            assertEquals(List.of(), relay);

            pins.mockLevel("pir", true);
            await(() -> frames.processed("door") >= 10, 20_000, "the PIR wakes inference: " + v.cameraStats());
            assertEquals(List.of(), relay, "a car in the street is no person: the relay stays off");
            assertEquals(0, frames.events("door"), "and nothing fired");

            door.showing = "visitor";
            await(() -> !relay.isEmpty(), 20_000, "a person at the door switches the relay on: " + v.cameraStats());
            door.showing = "street";
            long left = System.nanoTime();
            // Each person frame extends the pulse: the relay goes off one pulse after the visitor's last frame.
            await(() -> relay.size() >= 2, 5_000, "the relay goes off once the visitor left: " + relay);
            assertTrue(!relay.get(0).high() && relay.get(1).high(), "active-low: on LOW, off HIGH: " + relay);
            // Real time on a loaded machine: exact pulse lengths are GpioStageTest's (virtual time); here, a pulse happened.
            double pulse = (relay.get(1).nanos() - relay.get(0).nanos()) / 1e6;
            double afterLeaving = (relay.get(1).nanos() - left) / 1e6;
            assertTrue(pulse >= 199 && afterLeaving <= 1200, "pulse " + pulse + " ms, off " + afterLeaving + " ms after the visitor left");
            long seen = frames.processed("door");
            await(() -> frames.processed("door") >= seen + 10, 20_000, "the street again: " + v.cameraStats());
            assertEquals(2, relay.size(), "only the visitor's frames switch the relay: " + relay);
            var lat = gpio.latency().log("relay");
            System.out.printf("capture-to-relay latency (fake detector, %d samples): p50 %.1f ms, max %.1f ms%n", lat.count(),
                    lat.percentileMs(0.5), lat.percentileMs(1.0));
            assertTrue(lat.percentileMs(0.5) > 0 && lat.percentileMs(0.5) < 2000, "latency " + lat.percentileMs(0.5));
        } finally {
            door.release();
        }
        assertTrue(pins.level("relay"), "safe again after shutdown (active-low: HIGH)");
    }

    /** Parts on the belt, by colour: the fake classifies them as a hotdog, a cat and a dog; an empty belt is nothing. */
    static final Rgb RED = new Rgb(220, 40, 30), TABBY = new Rgb(130, 120, 110), BROWN = new Rgb(120, 80, 40), BELT = new Rgb(20, 20, 20);

    @Test
    void qcPushesExactlyTheNgPartsAtTriggerPlusDelay() throws Exception {
        String yaml = """
                model: %s
                events: { dir: %s }
                cameras:
                  line1:
                    source: { folder: /replaced, fps: 20 }
                    min_score: 0.3
                    groups: { ng: { labels: [Egyptian cat] } }
                    cooldown_s: 0
                    tracking: false
                gpio:
                  outputs: { reject: { pin: 24, kind: relay } }
                  inputs: { barrier: { pin: 17, kind: trigger, pull: up, active_low: true, debounce_ms: 2 } }
                qc:
                  line1:
                    trigger: barrier
                    reject: reject
                    delay_ms: 700
                    pulse_ms: 80
                    ok_labels: [hotdog]
                    ng_labels: [Egyptian cat]
                    min_score: 0.5
                    max_wait_ms: 500
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"));
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        String hotdog = "hotdog, hot dog, red hot"; // as ImageNet names it: ok_labels [hotdog] matches one of its names
        FakeEngine fake = FakeEngine.classifier(FakeEngine.byColour(Map.of(RED, new Seen(hotdog, 0.9f),
                TABBY, new Seen("Egyptian cat", 0.8f), BROWN, new Seen("dog", 0.7f))), hotdog, "Egyptian cat", "dog");
        String[] line = {"hotdog", "cat", "hotdog", "cat", "cat", "dog", "hotdog"};
        Scene belt = new Scene(Map.of("hotdog", RED.frame(320, 240), "cat", TABBY.frame(320, 240), "dog", BROWN.frame(320, 240),
                "empty", BELT.frame(320, 240)), "empty");
        Pi4jPins pins = Pi4jPins.mock("test");
        List<Long> edges = new ArrayList<>();
        List<Change> reject = Collections.synchronizedList(new ArrayList<>());
        try (Vigil v = Wiring.start(cfg, parts(fake).withPins(c -> pins).withSources(Map.of("line1", belt)))) {
            var frames = v.frames();
            pins.onOutputLevel("reject", (high, nanos) -> reject.add(new Change(high, nanos)));
            QcStation station = v.decisions().qc().get("line1");
            await(() -> frames.gateSkipped("line1") > 5, 20_000, "the camera runs and waits for parts: " + v.cameraStats());
            assertEquals(0, frames.processed("line1"), "no part, no inference");
            for (String part : line) {
                belt.showing = part;
                Thread.sleep(60); // frames read before this show the previous part
                edges.add(System.nanoTime());
                pins.mockLevel("barrier", false); // the part breaks the beam (active-low barrier)
                Thread.sleep(40);
                pins.mockLevel("barrier", true);
                Thread.sleep(150); // 250 ms between parts: up to three parts between camera and rejector
            }
            await(() -> station.counts().ok() + station.counts().ng() + station.counts().uncertain() == line.length, 10_000,
                    "every part judged: " + station.counts());
            Thread.sleep(1000); // the last pushes are due 700 ms after their edges
            QcCounts c = station.counts();
            assertEquals(new QcCounts(3, 3, 1, 3, 0), c, "OK, NG, UNCERTAIN, pushed, late");
            // One inference per part; at most one more when a frame captured just before the edge was polled just after it
            // (it is inferred but judges no part).
            long processed = frames.processed("line1");
            assertTrue(processed >= line.length && processed <= 2L * line.length, "inferences " + processed + " for " + line.length + " parts");

            List<Change> rises = reject.stream().filter(Change::high).toList();
            assertEquals(3, rises.size(), "three NG parts, three pushes: " + reject);
            int[] ngParts = {1, 3, 4};
            for (int i = 0; i < 3; i++) {
                double late = (rises.get(i).nanos() - edges.get(ngParts[i])) / 1e6 - 700;
                // To the millisecond on virtual time (GpioInputsTest); on a loaded machine's real time, never early, and
                // late by no more than the scheduler's slack.
                assertTrue(late >= -5 && late <= 300, "push " + i + " at edge + " + (700 + late) + " ms, want edge + 700");
                System.out.printf("qc push of part %d at edge + %.1f ms (delay 700)%n", ngParts[i] + 1, 700 + late);
            }
            for (int i = 0; i + 1 < reject.size(); i += 2) {
                double len = (reject.get(i + 1).nanos() - reject.get(i).nanos()) / 1e6;
                assertTrue(len >= 79 && len <= 400, "push length " + len);
            }
            System.out.printf("qc push error: p50 %.2f ms, max %.2f ms%n", station.pushError().percentileMs(0.5),
                    station.pushError().percentileMs(1.0));
        } finally {
            belt.release();
        }
        // The audit: one line per part, in order, with the snapshot of every part that was not OK.
        Path journal = tmp.resolve("events/qc-line1.jsonl");
        List<JsonNode> audit = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String l : Files.readAllLines(journal)) audit.add(m.readTree(l));
        assertEquals(line.length, audit.size(), audit.toString());
        Verdict[] want = {Verdict.OK, Verdict.NG, Verdict.OK, Verdict.NG, Verdict.NG, Verdict.UNCERTAIN, Verdict.OK};
        for (int i = 0; i < line.length; i++) {
            JsonNode a = audit.get(i);
            assertEquals(i + 1, a.get("part").asInt());
            assertEquals(want[i].name(), a.get("verdict").asText(), a.toString());
            assertEquals(line[i], a.get("source_ref").asText(), a.toString());
            assertEquals(12, a.get("model_sha256").asText().length(), "the model that judged it: " + a);
            assertTrue(a.get("model").isTextual(), a.toString());
            assertEquals(want[i] == Verdict.NG, a.get("pushed").asBoolean(), a.toString());
            if (want[i] == Verdict.OK) {
                assertTrue(a.get("snapshot").isNull(), a.toString());
            } else {
                assertTrue(Files.size(tmp.resolve("events").resolve(a.get("snapshot").asText())) > 1000, a.toString());
            }
        }
        assertEquals(hotdog, audit.get(0).get("label").asText());
        assertEquals("Egyptian cat", audit.get(1).get("label").asText());
    }
}
