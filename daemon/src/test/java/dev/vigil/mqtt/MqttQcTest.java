package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.capture.FrameSource;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.gpio.Pi4jPins;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** A QC line on MQTT: every verdict on <prefix>/<camera>/qc in order, the counters retained, outputs pulsed and reset remotely. */
class MqttQcTest extends MqttTestBase {

    static final Rgb RED = new Rgb(220, 40, 30), TABBY = new Rgb(130, 120, 110), BELT = new Rgb(20, 20, 20);

    /** The belt: whatever colour the test shows. */
    static final class Belt implements FrameSource {
        final Map<String, Mat> scenes = Map.of("hotdog", RED.frame(320, 240), "cat", TABBY.frame(320, 240), "empty", BELT.frame(320, 240));
        volatile String showing = "empty";

        @Override public void open() {}
        @Override public String read(Mat dst) { scenes.get(showing).copyTo(dst); return showing; }
        @Override public double pace() { return 20; }
        @Override public boolean finite() { return false; }
        @Override public Duration stallLimit() { return null; }
        @Override public void abort() {}
        @Override public String describe() { return "belt"; }
        @Override public void close() {}
    }

    @Test
    void verdictsArriveInOrderWithRetainedCountersAndOutputsObeyPulseAndReset() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-qc", false, "vigil/#")) {
            VigilConfig cfg = ConfigLoader.parse("""
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
                      line1: { trigger: barrier, reject: reject, delay_ms: 300, pulse_ms: 50, ok_labels: [hotdog],
                               ng_labels: [Egyptian cat], min_score: 0.5, max_wait_ms: 500 }
                    mqtt: { url: "%s", device: test, username: vigil, password: "${MQTT_PASSWORD}", status_interval_s: 1 }
                    """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), broker.url()), tmp,
                    Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
            String hotdog = "hotdog, hot dog, red hot";
            FakeEngine fake = FakeEngine.classifier(FakeEngine.byColour(Map.of(RED, new Seen(hotdog, 0.9f),
                    TABBY, new Seen("Egyptian cat", 0.8f))), hotdog, "Egyptian cat");
            Belt belt = new Belt();
            Pi4jPins pins = Pi4jPins.mock("test");
            List<Boolean> reject = Collections.synchronizedList(new ArrayList<>());
            Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                    .withPins(c -> pins).withSources(Map.of("line1", belt));
            try (Vigil v = Wiring.start(cfg, parts)) {
                w.await("vigil/test/available", "online", WAIT);
                // online comes with the initial state, maybe before the belt's first frames: parts only once it runs
                long running = System.nanoTime() + WAIT.toNanos();
                while (v.cameraStats().getFirst().captured() < 5 && System.nanoTime() < running) Thread.sleep(20);
                assertTrue(v.cameraStats().getFirst().captured() >= 5, "the belt runs: " + v.cameraStats());
                pins.onOutputLevel("reject", (high, nanos) -> reject.add(high));
                String[] line = {"hotdog", "cat", "hotdog"};
                for (String part : line) {
                    belt.showing = part;
                    Thread.sleep(100);
                    pins.mockLevel("barrier", false);
                    Thread.sleep(40);
                    pins.mockLevel("barrier", true);
                    Thread.sleep(300);
                }
                w.awaitAll(ms -> w.on("vigil/test/line1/qc").size() == 3, WAIT, "three verdicts");
                List<String> verdicts = new ArrayList<>();
                for (Watcher.Msg m : w.on("vigil/test/line1/qc")) {
                    JsonNode j = JSON.readTree(m.payload());
                    verdicts.add(j.get("verdict").asText());
                    assertEquals("line1", j.get("camera").asText());
                    assertEquals(12, j.get("model_sha256").asText().length(), "the model that judged it: " + j);
                }
                assertEquals(List.of("ok", "ng", "ok"), verdicts);
                w.await(m -> m.topic().equals("vigil/test/line1/qc/counts") && m.text().contains("\"ng\":1") && m.text().contains("\"ok\":2"), WAIT, "counters");

                reject.clear();
                w.publish("vigil/test/output/reject/pulse", "abc");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("is not a pulse length"), WAIT, "a refused pulse");
                w.publish("vigil/test/output/nope/pulse", "100");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("no output nope"), WAIT, "an unknown output");
                assertEquals(List.of(), reject, "refused commands touch no output");
                w.publish("vigil/test/output/reject/pulse", "100");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("output reject pulsed"), WAIT, "a pulse");
                long until = System.nanoTime() + 10_000_000_000L;
                while (reject.size() < 2 && System.nanoTime() < until) Thread.sleep(10);
                assertEquals(List.of(true, false), reject, "one pulse: on, then off");
                w.publish("vigil/test/outputs/reset", "");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("every output off"), WAIT, "reset");
                assertTrue(!pins.level("reject"), "off after the reset");
            } finally {
                belt.scenes.values().forEach(Mat::close);
            }
        }
    }
}
