package dev.vigil.swap;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.CameraRules;
import dev.vigil.swap.ReferenceFrames.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The checks a deployed model passes before it takes over, on the deploy's thread while the live model runs on:
 * it runs the pipeline's kind of model on the pipeline's input (shape, type, normalization: the frames the preprocessor
 * makes for the live model are valid input for it), gives valid outputs (finite; detection scores within 0..1, boxes
 * finite) on a synthetic frame and on the recent live frames, sees on its catalog's golden images what the catalog says
 * it sees there, and agrees with the live model on enough of the recent frames.
 */
final class SelfTest {

    /**
     * @param refusal   one line saying why the model may not take over, or null when it passed
     * @param agreement share of reference frames where both models agreed; NaN when there were none to compare
     */
    record Outcome(String refusal, double agreement, int frames, long medianInvokeNanos, List<Reference> answered) {}

    private SelfTest() {}

    /**
     * @param labelCheck why the candidate's labels do not fit the cameras' groups, or null when they do
     * @param golden     the candidate's golden images (from its catalog entry), checked whatever the agreement
     */
    static Outcome run(LoadedModel candidate, LoadedModel live, List<Reference> refs, ReferenceFrames frames, double minAgreement,
                       boolean acceptDisagreement, Function<LoadedModel, String> labelCheck, List<ModelStore.GoldenImage> golden) {
        Analyzer c = candidate.analyzer(), l = live.analyzer();
        TensorSpec ci = c.engine().inputs().getFirst(), li = l.engine().inputs().getFirst();
        if (c.engine().inputs().size() != 1 || ci.type() != li.type() || !Arrays.equals(ci.shape(), li.shape()))
            return refuse("takes input " + shape(ci) + ", the pipeline gives " + shape(li) + " (a model of another input size or type needs a restart with it)");
        if (!sameNormalization(c, l))
            return refuse("normalizes its input otherwise than the model that runs now (mean/std); it needs a restart with it");
        if (c.kind() != l.kind())
            return refuse("is a " + c.kind().word() + "; the cameras' rules are written for the " + l.kind().word() + " that runs now");
        String labels = labelCheck.apply(candidate);
        if (labels != null) return refuse("does not fit the cameras' groups: " + labels);
        long[] invokes = new long[refs.size() + 1];
        try (Scalar mid = new Scalar(128, 128, 128, 0); Mat grey = new Mat(240, 320, CV_8UC3, mid)) {
            c.analyze(grey, 0.5f);
            String bad = invalid(c);
            if (bad != null) return refuse("gives invalid output on a grey frame: " + bad);
            invokes[0] = c.invokeNanos();
        } catch (RuntimeException e) {
            return refuse("fails in " + c.stage() + " on a grey frame: " + message(e));
        }
        for (ModelStore.GoldenImage g : golden) {
            String wrong = GoldenCheck.check(c, g);
            if (wrong != null) return refuse(wrong);
        }
        int compared = 0, agreed = 0;
        List<Reference> answered = new java.util.ArrayList<>(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            Reference r = refs.get(i);
            CameraRules rules = frames.rules(r.camera());
            try {
                c.runTensor(r.tensor(), rules.analyzerMinScore());
            } catch (RuntimeException e) {
                return refuse("fails in " + c.stage() + " on a recent frame of camera " + r.camera() + ": " + message(e));
            }
            invokes[i + 1] = c.invokeNanos();
            String bad = invalid(c);
            if (bad != null) return refuse("gives invalid output on a recent frame of camera " + r.camera() + ": " + bad);
            String answer = ReferenceFrames.signature(rules, c);
            answered.add(new Reference(r.camera(), r.tensor(), answer, candidate.id()));
            if (!r.by().equals(live.id())) continue; // kept before the last switch: not the live model's answer
            compared++;
            if (answer.equals(r.answer())) agreed++;
        }
        Arrays.sort(invokes);
        long median = invokes[invokes.length / 2];
        double share = compared == 0 ? Double.NaN : agreed / (double) compared;
        if (!acceptDisagreement) {
            if (compared == 0)
                return new Outcome("no recent frames to compare with " + live.describe() + " (no camera delivered one yet); retry once frames"
                        + " flow, or deploy with --accept-disagreement", share, refs.size() + 1, median, answered);
            if (share < minAgreement)
                return new Outcome(String.format(Locale.ROOT, "agrees with %s on %d of %d recent frames (%.0f%%, models.min_agreement is %.0f%%);"
                        + " deploy with --accept-disagreement if the change is deliberate", live.describe(), agreed, compared, share * 100,
                        minAgreement * 100), share, refs.size() + 1, median, answered);
        }
        return new Outcome(null, share, refs.size() + 1, median, answered);
    }

    private static Outcome refuse(String why) { return new Outcome(why, Double.NaN, 0, 0, List.of()); }

    private static String shape(TensorSpec t) { return t.type().name().toLowerCase(Locale.ROOT) + Arrays.toString(t.shape()); }

    private static boolean sameNormalization(Analyzer c, Analyzer l) {
        var cn = c.spec().normalization();
        var ln = l.spec().normalization();
        if (cn.isEmpty() || ln.isEmpty()) return cn.isEmpty() == ln.isEmpty() || c.engine().inputs().getFirst().type() != TensorType.FLOAT32;
        return Arrays.equals(cn.get().mean(), ln.get().mean()) && Arrays.equals(cn.get().std(), ln.get().std());
    }

    /** What is wrong with the last outputs, or null: NaN or infinite floats, scores outside 0..1, boxes not finite. */
    static String invalid(Analyzer a) {
        InferenceEngine e = a.engine();
        for (int i = 0; i < e.outputs().size(); i++) {
            TensorSpec t = e.outputs().get(i);
            if (t.type() != TensorType.FLOAT32) continue;
            ByteBuffer b = e.output(i);
            for (int k = 0; k < t.elements(); k++) {
                float v = b.getFloat(k * 4);
                if (!Float.isFinite(v)) return "output " + t.name() + " holds " + v;
            }
        }
        if (a.kind() == Analyzer.Kind.CLASSIFIER) {
            for (Classification c : a.topK().toList(a::label))
                if (!Float.isFinite(c.score())) return "class " + c.label() + " scores " + c.score();
            return null;
        }
        for (Detection d : a.detections().toList(a::label)) {
            if (!(d.score() >= 0 && d.score() <= 1)) return "a " + d.label() + " scores " + d.score() + ", not within 0..1";
            for (float v : d.box()) if (!Float.isFinite(v)) return "a " + d.label() + " box holds " + v;
        }
        return null;
    }

    private static String message(RuntimeException e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }
}
