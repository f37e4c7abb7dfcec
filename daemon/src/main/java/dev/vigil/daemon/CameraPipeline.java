package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.capture.Frame;
import dev.vigil.config.CameraConfig;
import dev.vigil.motion.MotionGate;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.Trigger;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One camera's stages after capture, on the inference thread: frame gates, motion gate, the shared analyzer
 * (preprocess, inference, postprocess), the camera's second stage on the detector's boxes and its rules. {@link #analyze} turns a frame into its outcome.
 */
final class CameraPipeline implements AutoCloseable {

    /**
     * What a frame is decided with. A config reload replaces it whole, on the inference thread between two frames
     * ({@link Daemon#betweenFrames}), so a frame never sees half of an old config and half of a new one.
     *
     * @param motion null when the gate is off
     * @param second null when the camera has no second stage
     */
    record Stages(CameraConfig config, MotionGate motion, RuleEngine rules, float minScore, SecondStage second) {

        static Stages of(CameraConfig config, MotionGate motion, RuleEngine rules, SecondStage second) {
            // The analyzer keeps every detection at or above the lowest group threshold; each group then applies its own.
            return new Stages(config, motion, rules, config.rules().groups().isEmpty() ? 0.5f : config.rules().analyzerMinScore(), second);
        }
    }

    private final String name;
    volatile Camera camera;          // replaced only between frames, when a reload changed the source
    private volatile Stages stages;  // written on the inference thread; volatile for the readers of config()

    /** @param second the camera's second stage (owned from here on), or null */
    CameraPipeline(CameraConfig config, Camera camera, MotionGate motion, RuleEngine rules, SecondStage second) {
        this.name = config.name();
        this.camera = camera;
        this.stages = Stages.of(config, motion, rules, second);
    }

    String name() { return name; }

    CameraConfig config() { return stages.config(); }

    /**
     * The stages for {@code next}, on the inference thread between two frames: rules that did not change keep their
     * engine (windows, tracks and cooldowns go on); changed rules start a fresh one; a changed motion gate is rebuilt.
     *
     * @return what changed, for the reload's log line (empty: nothing)
     */
    List<String> reconfigure(CameraConfig next) {
        Stages now = stages;
        List<String> changed = new java.util.ArrayList<>();
        RuleEngine rules = now.rules();
        if (!next.rules().equals(now.config().rules())) {
            rules = new RuleEngine(name, next.rules());
            changed.add("rules");
        }
        MotionGate motion = now.motion();
        if (!next.motion().equals(now.config().motion())) {
            motion = next.motion().enabled() ? new MotionGate(next.motion().threshold(), next.motion().minArea(), next.motion().scaleWidth()) : null;
            if (now.motion() != null) now.motion().close();
            changed.add("motion");
        }
        if (!java.util.Objects.equals(next.secondStage(), now.config().secondStage())) changed.add("second_stage");
        stages = Stages.of(next, motion, rules, now.second());
        return changed;
    }

    /**
     * Swaps in a second stage opened for a reloaded config (null: none any more), between frames; the caller closes the
     * one returned.
     */
    SecondStage replaceSecondStage(SecondStage next) {
        Stages now = stages;
        stages = new Stages(now.config(), now.motion(), now.rules(), now.minScore(), next);
        return now.second();
    }

    SecondStage secondStage() { return stages.second(); }

    /** Swaps in a camera opened on the new source (between frames); the caller closes the one returned. */
    Camera replaceCamera(Camera next) {
        Camera old = camera;
        camera = next;
        return old;
    }

    /** The frame's outcome; a stage that throws makes a {@link FrameOutcome.Failed} naming it, never an exception. */
    FrameOutcome analyze(Frame f, Analyzer analyzer, ModelId model, List<FrameGate> gates, LongSupplier nanos) {
        Stages st = stages;
        MotionGate motion = st.motion();
        RuleEngine rules = st.rules();
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
            analyzer.analyze(f.bgr(), st.minScore());
            stage = "rules";
            List<Detection> detections;
            List<Classification> top;
            long s0 = nanos.getAsLong(), s1 = s0;
            SecondStage second = st.second();
            List<Trigger> triggers;
            if (analyzer.kind() == Analyzer.Kind.DETECTOR) {
                detections = analyzer.detections().toList(analyzer::label);
                top = List.of();
                if (second != null) {
                    stage = "second_stage";
                    second.apply(f.bgr(), detections);
                    s1 = nanos.getAsLong();
                    stage = "rules";
                }
                triggers = rules.evaluate(detections, f.time());
            } else {
                detections = List.of();
                top = analyzer.topK().toList(analyzer::label);
                triggers = rules.evaluateClassification(top, f.time());
            }
            long done = nanos.getAsLong();
            StageTimings timings = second == null || analyzer.kind() != Analyzer.Kind.DETECTOR
                    ? new StageTimings(Math.max(0, t0 - f.captureNanos()), analyzer.preprocessNanos(), analyzer.invokeNanos(),
                            analyzer.postprocessNanos(), done - s0)
                    : new StageTimings(Math.max(0, t0 - f.captureNanos()), analyzer.preprocessNanos(), analyzer.invokeNanos(),
                            analyzer.postprocessNanos(), done - s1, s1 - s0, second.crops(), second.tooSmall(), second.overLimit());
            return new FrameResult(name(), f.sequence(), f.time(), f.sourceRef(), f.captureNanos(), model, analyzer.kind(), detections, top,
                    triggers, timings, done);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (stage.equals("analyzer")) stage = analyzer.stage(); // preprocess, inference or postprocess
            return new FrameOutcome.Failed(name(), f.sequence(), f.captureNanos(), Math.max(start, nanos.getAsLong()), stage, msg);
        }
    }

    @Override
    public void close() { close(true); }

    /** @param engines false while the inference loop may still be inside an invoke: the second stage is then left open */
    void close(boolean engines) {
        camera.close();
        MotionGate motion = stages.motion();
        if (motion != null) motion.close();
        SecondStage second = stages.second();
        if (second != null && engines) second.close();
    }
}
