package dev.vigil.swap;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.eval.LabelMatch;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A model on one of its golden images (catalog photos with what the model sees there): the hot swap's self-test and
 * {@code vigil models verify --golden} run it. The answer is null, or the part of one line after "it" saying what went
 * wrong and naming the image.
 */
public final class GoldenCheck {

    private GoldenCheck() {}

    /** Why the model does not see on a golden image what its catalog says, or null when it does. */
    public static String check(Analyzer c, ModelStore.GoldenImage g) {
        String name = g.golden().image();
        boolean classifier = c.kind() == Analyzer.Kind.CLASSIFIER;
        try (Mat bgr = imread(g.file().toString(), IMREAD_COLOR)) {
            if (bgr == null || bgr.empty()) return "cannot read its golden image " + name + " (" + g.file() + ")";
            c.analyze(bgr, classifier ? 0f : ModelEntry.Golden.MIN_SCORE);
        } catch (RuntimeException e) {
            return "fails in " + c.stage() + " on its golden image " + name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        String bad = SelfTest.invalid(c);
        if (bad != null) return "gives invalid output on its golden image " + name + ": " + bad;
        if (classifier) {
            String top = c.topK().count() == 0 ? "nothing" : c.label(c.topK().index(0));
            return LabelMatch.means(g.golden().top(), top) ? null
                    : "ranks " + top + " first on its golden image " + name + ", where the catalog expects " + g.golden().top();
        }
        List<String> seen = new java.util.ArrayList<>();
        for (Detection d : c.detections().toList(c::label)) if (!seen.contains(d.label())) seen.add(d.label());
        List<String> missing = g.golden().labels().stream().filter(l -> seen.stream().noneMatch(x -> LabelMatch.means(l, x))).toList();
        return missing.isEmpty() ? null : String.format(Locale.ROOT, "finds %s on its golden image %s, where the catalog expects %s (missing: %s)",
                seen.isEmpty() ? "nothing" : String.join(", ", seen), name, String.join(", ", g.golden().labels()), String.join(", ", missing));
    }
}
