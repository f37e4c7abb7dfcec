package dev.vigil.gpio;

import dev.vigil.capture.Frame;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPIO stage on Pi4J's mock and virtual time, for the GPIO tests: the pins stamp their changes with the same virtual
 * time the stage's timers run on, so a timeline reads {@code HIGH@40, LOW@340} in milliseconds since the start.
 */
abstract class VirtualGpio {

    @TempDir
    Path tmp;

    final VirtualTime time = new VirtualTime();
    Pi4jPins pins;
    GpioStage stage;

    static final String CAMERA = """
            cameras:
              door:
                source: { folder: /nowhere, fps: 5 }
                groups:
                  person: { labels: [person] }
                  animal: { labels: [cat] }
            """;

    GpioStage start(String gpio) {
        VigilConfig cfg = ConfigLoader.parse(CAMERA + gpio, tmp, Map.of());
        pins = Pi4jPins.mock("test", time);
        stage = GpioStage.start(cfg, pins, time);
        return stage;
    }

    @AfterEach
    void close() {
        if (stage != null) stage.close();
    }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    /** Milliseconds since the start of virtual time. */
    static long ms(long nanos) { return (nanos - VirtualTime.START_NANOS) / 1_000_000; }

    long nowMs() { return ms(time.nanoTime()); }

    /** A pin's level changes as {@code HIGH@ms} / {@code LOW@ms}, as Pi4J's mock reports them. */
    List<String> timeline(String output) {
        List<String> l = Collections.synchronizedList(new ArrayList<>());
        pins.onOutputLevel(output, (high, nanos) -> l.add((high ? "HIGH@" : "LOW@") + ms(nanos)));
        return l;
    }

    static Frame frame(long captureNanos) {
        return new Frame("door", 1, null, captureNanos, Instant.now(), "test.jpg");
    }

    void person() { fire("person", time.nanoTime()); }

    void fire(String group, long captureNanos) {
        Detection d = new Detection(group.equals("person") ? "person" : "cat", 0, 0.9f, new float[] {0, 0, 1, 1});
        stage.triggered(new Trigger("door", group, d, Instant.now()), frame(captureNanos), Optional.empty());
    }

    void frameNow() {
        long now = time.nanoTime();
        stage.frameProcessed("door", frame(now), null, List.of(), now);
    }
}
