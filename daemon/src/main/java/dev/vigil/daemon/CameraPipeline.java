package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.capture.Frame;
import dev.vigil.config.CameraConfig;
import dev.vigil.motion.MotionGate;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.Trigger;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One camera's stages after capture, on the inference thread: frame gates, motion gate, the shared analyzer
 * (preprocess, inference, postprocess) and this camera's rules. {@link #analyze} turns a frame into its outcome.
 */
final class CameraPipeline implements AutoCloseable {

    final CameraConfig config;
    final Camera camera;
    private final MotionGate motion; // null when the gate is off
    private final RuleEngine rules;
    private final float minScore;

    CameraPipeline(CameraConfig config, Camera camera, MotionGate motion, RuleEngine rules) {
        this.config = config;
        this.camera = camera;
        this.motion = motion;
        this.rules = rules;
        this.minScore = config.rules().analyzerMinScore();
    }

    String name() { return config.name(); }

    /** The frame's outcome; a stage that throws makes a {@link FrameOutcome.Failed} naming it, never an exception. */
    FrameOutcome analyze(Frame f, Analyzer analyzer, ModelId model, List<FrameGate> gates, LongSupplier nanos) {
        long start = nanos.getAsLong();
        String stage = "gate";
        try {
            for (FrameGate g : gates) {
                String why = g.skip(name());
                if (why != null) return new FrameOutcome.Skipped(name(), f.sequence(), f.captureNanos(), nanos.getAsLong(), why);
            }
            stage = "motion";
            if (motion != null && !motion.moved(f.bgr()))
                return new FrameOutcome.Skipped(name(), f.sequence(), f.captureNanos(), nanos.getAsLong(), "motion");
            stage = "analyzer";
            long t0 = nanos.getAsLong();
            analyzer.analyze(f.bgr(), minScore);
            stage = "rules";
            List<Detection> detections;
            List<Classification> top;
            long r0 = nanos.getAsLong();
            List<Trigger> triggers;
            if (analyzer.kind() == Analyzer.Kind.DETECTOR) {
                detections = analyzer.detections().toList(analyzer::label);
                top = List.of();
                triggers = rules.evaluate(detections, f.time());
            } else {
                detections = List.of();
                top = analyzer.topK().toList(analyzer::label);
                triggers = rules.evaluateClassification(top, f.time());
            }
            long done = nanos.getAsLong();
            StageTimings timings = new StageTimings(Math.max(0, t0 - f.captureNanos()), analyzer.preprocessNanos(), analyzer.invokeNanos(),
                    analyzer.postprocessNanos(), done - r0);
            return new FrameResult(name(), f.sequence(), f.time(), f.sourceRef(), f.captureNanos(), model, analyzer.kind(), detections, top,
                    triggers, timings, done);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (stage.equals("analyzer")) stage = analyzer.stage(); // preprocess, inference or postprocess
            return new FrameOutcome.Failed(name(), f.sequence(), f.captureNanos(), Math.max(start, nanos.getAsLong()), stage, msg);
        }
    }

    @Override
    public void close() {
        camera.close();
        if (motion != null) motion.close();
    }
}
