package dev.vigil.gpio;

import dev.vigil.capture.Frame;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.decision.DecisionStage;
import dev.vigil.health.Health;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
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
    DecisionStage decisions;
    Health health;

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
        connect(cfg);
        return stage;
    }

    /** As the wiring connects them: the inputs to the decision stage, its decisions to the outputs, the heartbeat to health. */
    void connect(VigilConfig cfg) {
        decisions = DecisionStage.create(cfg, stage::armedBySwitches, stage, stage.timers(), time);
        health = new Health(Map.of("door", Duration.ofSeconds(10)), time::nanoTime);
        stage.connect(decisions, health);
    }

    @AfterEach
    void close() {
        if (decisions != null) decisions.close();
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
        decisions.decide(result(captureNanos, List.of(d), List.of(new Trigger("door", group, d, Instant.now()))), frame(captureNanos));
    }

    /** A frame of {@code door} analysed now: what the inference loop tells the health model and the decision stage. */
    void frameNow() {
        long now = time.nanoTime();
        health.flowed("door", now, true);
        decisions.decide(result(now, List.of(), List.of()), frame(now));
    }

    /** A frame that failed in inference. */
    void failedNow() {
        health.failed("door", time.nanoTime());
    }

    /** A frame captured at {@code captureNanos}, analysed now, with these detections and triggers. */
    FrameResult result(long captureNanos, List<Detection> detections, List<Trigger> triggers) {
        return new FrameResult("door", 1, Instant.now(), "test.jpg", captureNanos, new ModelId("test", "0".repeat(64), "cpu"),
                Analyzer.Kind.DETECTOR, detections, List.of(), triggers, new StageTimings(0, 0, 0, 0, 0), time.nanoTime());
    }
}
