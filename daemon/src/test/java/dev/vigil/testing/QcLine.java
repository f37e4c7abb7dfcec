package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.FrameSource;
import dev.vigil.daemon.Vigil;
import dev.vigil.gpio.Pi4jPins;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A QC line the fleet tests share: a belt camera showing a hotdog (OK), a cat (NG) or nothing, a fake classifier that
 * tells them by colour, a barrier input and a reject relay; {@link #yaml} is its config up to the output sections.
 */
public final class QcLine {

    public static final Rgb RED = new Rgb(220, 40, 30), TABBY = new Rgb(130, 120, 110), BELT = new Rgb(20, 20, 20);
    public static final String HOTDOG = "hotdog, hot dog, red hot";

    private QcLine() {}

    /** The belt: whatever colour the test shows. */
    public static final class Belt implements FrameSource, AutoCloseable {
        public final Map<String, Mat> scenes = Map.of("hotdog", RED.frame(320, 240), "cat", TABBY.frame(320, 240), "empty", BELT.frame(320, 240));
        public volatile String showing = "empty";

        @Override public void open() {}
        @Override public String read(Mat dst) { scenes.get(showing).copyTo(dst); return showing; }
        @Override public double pace() { return 20; }
        @Override public boolean finite() { return false; }
        @Override public Duration stallLimit() { return null; }
        @Override public void abort() {}
        @Override public String describe() { return "belt"; }
        /** A camera closes its source on every reconnect: the scenes stay until {@link #free}. */
        @Override public void close() {}

        public void free() { scenes.values().forEach(Mat::close); }
    }

    public static FakeEngine engine() {
        return FakeEngine.classifier(FakeEngine.byColour(Map.of(RED, new Seen(HOTDOG, 0.9f),
                TABBY, new Seen("Egyptian cat", 0.8f))), HOTDOG, "Egyptian cat");
    }

    /** Station line1 (hotdog OK, Egyptian cat NG; barrier on pin 17, reject on 24), events in {@code events}. */
    public static String yaml(Path tmp, Path events) {
        return """
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
                """.formatted(FakeEngine.modelFile(tmp), events);
    }

    /** Waits until the belt runs (a part before its first frame is "uncertain: no frame"), then sends {@code line} past the barrier. */
    public static void parts(Vigil v, Belt belt, Pi4jPins pins, String... line) throws InterruptedException {
        long running = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (v.cameraStats().getFirst().captured() < 5 && System.nanoTime() < running) Thread.sleep(20);
        assertTrue(v.cameraStats().getFirst().captured() >= 5, "the belt runs: " + v.cameraStats());
        for (String part : line) {
            belt.showing = part;
            Thread.sleep(100);
            pins.mockLevel("barrier", false);
            Thread.sleep(40);
            pins.mockLevel("barrier", true);
            Thread.sleep(300);
        }
    }
}
