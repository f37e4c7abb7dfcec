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
import dev.vigil.qc.QcCounts;
import dev.vigil.qc.QcStation;
import dev.vigil.qc.Verdict;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPIO stage wired into the real daemon (real models, replayed photos, Pi4J's mock pins). */
class GpioDaemonTest {

    @TempDir
    Path tmp;

    record Change(boolean high, long nanos) {}

    static Wiring.Parts parts() {
        return Wiring.Parts.forTest(dev.vigil.model.ModelStore.fromEnvironment()).withHttp(false);
    }

    static void await(BooleanSupplier c, long ms, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + ms + " ms: " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aQuietPirMeansNoInferenceAndAPersonThenRingsTheRelay() throws Exception {
        String yaml = """
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 10, loop: true }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                gpio:
                  outputs: { relay: { pin: 24, kind: relay, active_low: true } }
                  inputs: { pir: { pin: 27, kind: wake, pull: down, hold_s: 5, debounce_ms: 10 } }
                  actions: [ { group: person, output: relay, pulse_ms: 200 } ]
                """.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath());
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        Pi4jPins pins = Pi4jPins.mock("test");
        try (Vigil v = Wiring.start(cfg, parts().withPins(c -> pins))) {
            GpioStage gpio = v.gpio();
            var frames = v.frames();
            List<Change> relay = Collections.synchronizedList(new ArrayList<>());
            pins.onOutputLevel("relay", (high, nanos) -> relay.add(new Change(high, nanos)));
            await(() -> frames.gateSkipped("door") >= 10, 20_000, "frames skipped while the PIR is quiet: " + v.cameraStats());
            assertEquals(0, frames.processed("door"), "no inference while nobody is there");
            double wake = v.metrics().registry().get("vigil.frames.dropped").tags("camera", "door", "reason", "wake").counter().count();
            assertTrue(wake >= 10 && wake <= frames.gateSkipped("door"), "every skip counted with reason wake: " + wake);
            assertEquals(List.of(), relay);

            pins.mockLevel("pir", true);
            await(() -> relay.size() >= 2, 30_000, "a person on the replayed photos pulses the relay: " + v.cameraStats());
            assertTrue(frames.processed("door") > 0);
            assertTrue(!relay.get(0).high() && relay.get(1).high(), "active-low: on LOW, off HIGH: " + relay);
            // Real time on a loaded machine: exact pulse lengths are GpioStageTest's (virtual time); here, a pulse happened.
            double pulse = (relay.get(1).nanos() - relay.get(0).nanos()) / 1e6;
            assertTrue(pulse >= 199 && pulse <= 600, "pulse " + pulse + " ms");
            var lat = gpio.latency().log("relay");
            System.out.printf("capture-to-relay latency (detector, %d samples): p50 %.1f ms, max %.1f ms%n", lat.count(),
                    lat.percentileMs(0.5), lat.percentileMs(1.0));
            assertTrue(lat.percentileMs(0.5) > 0 && lat.percentileMs(0.5) < 2000, "latency " + lat.percentileMs(0.5));
        }
        assertTrue(pins.level("relay"), "safe again after shutdown (active-low: HIGH)");
    }

    /** A conveyor seen by a camera: every frame shows the part now in front of it. */
    static final class Belt implements FrameSource {
        volatile String part = "empty_street.jpg";
        final Map<String, Mat> images;

        Belt(Map<String, Mat> images) { this.images = images; }

        @Override public void open() {}

        @Override
        public String read(Mat dst) {
            String p = part;
            images.get(p).copyTo(dst);
            return p;
        }

        @Override public double pace() { return 20; }

        @Override public boolean finite() { return false; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "belt"; }

        @Override public void close() {}
    }

    @Test
    void qcPushesExactlyTheNgPartsAtTriggerPlusDelay() throws Exception {
        String yaml = """
                model: mobilenet_v2_quant
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
                """.formatted(tmp.resolve("events"));
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        String[] line = {"hot_dog.jpg", "cat.bmp", "hot_dog.jpg", "cat.bmp", "cat.bmp", "dog.bmp", "hot_dog.jpg"};
        Map<String, Mat> images = new java.util.HashMap<>();
        for (String p : new String[] {"hot_dog.jpg", "cat.bmp", "dog.bmp", "empty_street.jpg"}) images.put(p, TestData.read(p));
        Belt belt = new Belt(images);
        Pi4jPins pins = Pi4jPins.mock("test");
        List<Long> edges = new ArrayList<>();
        List<Change> reject = Collections.synchronizedList(new ArrayList<>());
        try (Vigil v = Wiring.start(cfg, parts().withPins(c -> pins).withSources(Map.of("line1", belt)))) {
            var frames = v.frames();
            pins.onOutputLevel("reject", (high, nanos) -> reject.add(new Change(high, nanos)));
            QcStation station = v.decisions().qc().get("line1");
            await(() -> frames.gateSkipped("line1") > 5, 20_000, "the camera runs and waits for parts: " + v.cameraStats());
            assertEquals(0, frames.processed("line1"), "no part, no inference");
            for (String part : line) {
                belt.part = part;
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
            images.values().forEach(Mat::close);
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
            assertEquals(want[i] == Verdict.NG, a.get("pushed").asBoolean(), a.toString());
            if (want[i] == Verdict.OK) {
                assertTrue(a.get("snapshot").isNull(), a.toString());
            } else {
                assertTrue(Files.size(tmp.resolve("events").resolve(a.get("snapshot").asText())) > 1000, a.toString());
            }
        }
        assertEquals("hotdog, hot dog, red hot", audit.get(0).get("label").asText());
        assertEquals("Egyptian cat", audit.get(1).get("label").asText());
    }
}
