package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.config.CameraConfig;
import dev.vigil.motion.MotionGate;
import dev.vigil.rules.RuleEngine;
import java.util.concurrent.atomic.AtomicLong;

/** One camera's stages after capture: motion gate, rules, and its counters. Used by the inference thread only. */
final class CameraPipeline implements AutoCloseable {

    final CameraConfig config;
    final Camera camera;
    final MotionGate motion; // null when the gate is off
    final RuleEngine rules;
    final float minScore;
    final AtomicLong processed = new AtomicLong(), motionSkipped = new AtomicLong(), gateSkipped = new AtomicLong(), events = new AtomicLong(),
            errors = new AtomicLong();
    volatile long lastProcessedNanos;
    /** Capture-to-decision latency of the most recent frames. */
    final LatencyLog latency = new LatencyLog(1 << 14);

    CameraPipeline(CameraConfig config, Camera camera, MotionGate motion, RuleEngine rules) {
        this.config = config;
        this.camera = camera;
        this.motion = motion;
        this.rules = rules;
        // The analyzer keeps every detection at or above the lowest group threshold; each group then applies its own.
        float min = 1f;
        for (var g : config.rules().groups().values()) min = Math.min(min, g.minScore());
        this.minScore = config.rules().groups().isEmpty() ? 0.5f : min;
    }

    String name() { return config.name(); }

    @Override
    public void close() {
        camera.close();
        if (motion != null) motion.close();
    }
}
