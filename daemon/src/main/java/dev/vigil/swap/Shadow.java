package dev.vigil.swap;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.CameraRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A candidate model run beside the live one without acting on it: on one frame in {@code every}, on the inference
 * thread right after the live model analysed that frame (its input tensor still holds it), the candidate runs on the
 * same tensor and the two answers are compared as the self-test compares them. Nothing it sees reaches the rules.
 * Reported in {@code /metrics} ({@code vigil_shadow_frames_total{result}}, {@code vigil_shadow_inference_seconds{model}},
 * {@code vigil_shadow_top_score{model}}) and {@code /api/status}'s {@code shadow_model}.
 */
public final class Shadow implements AutoCloseable {

    /** What {@code /api/status} and {@code vigil models shadow-report} show. */
    public record Report(String name, String sha256, int every, long frames, long agreed, double liveMs, double shadowMs,
                  double liveTopScore, double shadowTopScore) {}

    final LoadedModel model;
    private final int every;
    private final Map<String, CameraRules> rules;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;
    private Counter agree, disagree;
    private Timer liveTime, shadowTime;
    private DistributionSummary liveScore, shadowScore;
    private long seen, frames, agreed, liveNanos, shadowNanos; // inference thread; read under the swap's lock
    private double liveScores, shadowScores;

    Shadow(LoadedModel model, int every, Map<String, CameraRules> rules) {
        this.model = model;
        this.every = every;
        this.rules = rules;
    }

    /** The live model's and the shadow's meters, tagged by model name; removed when the shadow ends. */
    void bind(MeterRegistry r, String live) {
        registry = r;
        agree = add(Counter.builder("vigil.shadow.frames").tag("result", "agree").description("Shadow frames by agreement with the live model").register(r));
        disagree = add(Counter.builder("vigil.shadow.frames").tag("result", "disagree").description("Shadow frames by agreement with the live model").register(r));
        liveTime = add(Timer.builder("vigil.shadow.inference").tag("model", live).description("Invoke time on the frames of the shadow comparison").register(r));
        shadowTime = add(Timer.builder("vigil.shadow.inference").tag("model", model.id().name()).description("Invoke time on the frames of the shadow comparison").register(r));
        liveScore = add(DistributionSummary.builder("vigil.shadow.top.score").tag("model", live).description("Top score of each compared frame")
                .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9).register(r));
        shadowScore = add(DistributionSummary.builder("vigil.shadow.top.score").tag("model", model.id().name()).description("Top score of each compared frame")
                .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9).register(r));
    }

    private <M extends Meter> M add(M m) {
        meters.add(m);
        return m;
    }

    /** On the inference thread, right after the live analyzer {@code live} made {@code r}; true when this frame was compared. */
    boolean frame(Analyzer live, FrameResult r) {
        if (seen++ % every != 0) return false;
        CameraRules cr = rules.get(r.camera());
        if (cr == null) return false;
        Analyzer s = model.analyzer();
        s.runTensor(live.engine().input(0), cr.analyzerMinScore());
        boolean same = ReferenceFrames.signature(cr, s).equals(ReferenceFrames.signature(cr, r));
        double lt = top(live), st = top(s);
        synchronized (this) {
            frames++;
            if (same) agreed++;
            liveNanos += r.timings().inference();
            shadowNanos += s.invokeNanos();
            liveScores += lt;
            shadowScores += st;
        }
        if (registry != null) {
            (same ? agree : disagree).increment();
            liveTime.record(r.timings().inference(), TimeUnit.NANOSECONDS);
            shadowTime.record(s.invokeNanos(), TimeUnit.NANOSECONDS);
            liveScore.record(lt);
            shadowScore.record(st);
        }
        return true;
    }

    /** The best score of the frame just analysed: a classifier's top-1, a detector's best detection (0 for none). */
    private static double top(Analyzer a) {
        if (a.kind() == Analyzer.Kind.CLASSIFIER) {
            var t = a.topK().toList(a::label);
            return t.isEmpty() ? 0 : t.getFirst().score();
        }
        double best = 0;
        for (Detection d : a.detections().toList(a::label)) best = Math.max(best, d.score());
        return best;
    }

    synchronized Report report() {
        return new Report(model.id().name(), model.id().sha256(), every, frames, agreed, frames == 0 ? Double.NaN : liveNanos / 1e6 / frames,
                frames == 0 ? Double.NaN : shadowNanos / 1e6 / frames, frames == 0 ? Double.NaN : liveScores / frames,
                frames == 0 ? Double.NaN : shadowScores / frames);
    }

    /** Its meters go; the model is closed by the caller once no frame can run it. */
    @Override
    public void close() {
        if (registry != null) meters.forEach(registry::remove);
    }
}
