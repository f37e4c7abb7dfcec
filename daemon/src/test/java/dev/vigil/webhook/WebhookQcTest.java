package dev.vigil.webhook;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QC station with a webhook for its verdicts: three parts past the barrier (ok, ng, ok) reach a receiver that refuses
 * the first attempt, each once and in the line's order, and nothing but verdicts is sent (events: [qc]).
 */
class WebhookQcTest {

    static final Rgb RED = new Rgb(220, 40, 30), TABBY = new Rgb(130, 120, 110), BELT = new Rgb(20, 20, 20);

    @TempDir
    Path tmp;

    /** The belt: whatever the test shows. */
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
    void eachVerdictIsPostedOnceInTheLinesOrderAfterARefusedFirstAttempt() throws Exception {
        try (WebhooksTest.Hook hook = new WebhooksTest.Hook(n -> n == 1 ? 503 : 200, false)) {
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
                    webhooks: [ { url: "%s", events: [qc] } ]
                    """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), hook.url()), tmp, Map.of());
            String hotdog = "hotdog, hot dog, red hot";
            FakeEngine fake = FakeEngine.classifier(FakeEngine.byColour(Map.of(RED, new Seen(hotdog, 0.9f),
                    TABBY, new Seen("Egyptian cat", 0.8f))), hotdog, "Egyptian cat");
            Belt belt = new Belt();
            Pi4jPins pins = Pi4jPins.mock("test");
            Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                    .withPins(c -> pins).withSources(Map.of("line1", belt));
            try (Vigil v = Wiring.start(cfg, parts)) {
                // Parts only once the belt runs: a part before its first frame gets "uncertain: no frame".
                long running = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (v.cameraStats().getFirst().captured() < 5 && System.nanoTime() < running) Thread.sleep(20);
                assertTrue(v.cameraStats().getFirst().captured() >= 5, "the belt runs: " + v.cameraStats());
                for (String part : new String[] {"hotdog", "cat", "hotdog"}) {
                    belt.showing = part;
                    Thread.sleep(100);
                    pins.mockLevel("barrier", false);
                    Thread.sleep(40);
                    pins.mockLevel("barrier", true);
                    Thread.sleep(300);
                }
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (hook.accepted().size() < 3 && System.nanoTime() < until) Thread.sleep(20);
                Thread.sleep(300); // a fourth post (a duplicate, an event) would come now
            } finally {
                belt.scenes.values().forEach(Mat::close);
            }
            List<JsonNode> got = hook.accepted();
            assertEquals(List.of("ok", "ng", "ok"), got.stream().map(n -> n.get("verdict").asText()).toList(), got.toString());
            assertEquals(List.of(hotdog, "Egyptian cat", hotdog), got.stream().map(n -> n.get("label").asText()).toList());
            long previous = -1;
            for (JsonNode n : got) {
                assertEquals("line1", n.get("camera").asText());
                assertTrue(n.get("id").asText().startsWith("line1-"), n.toString());
                assertTrue(n.get("part").asLong() > previous, "parts in the line's order: " + got);
                previous = n.get("part").asLong();
            }
            assertEquals(List.of(503, 200, 200, 200), hook.answers, "the refused attempt was tried again, nothing else was sent");
            assertEquals(hook.bodies.get(0), hook.bodies.get(1), "the retry is the first verdict again");
        }
    }
}
