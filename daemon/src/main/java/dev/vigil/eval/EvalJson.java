package dev.vigil.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/** The figures of {@code vigil eval} as one JSON object, and as the few lines a terminal shows. */
public final class EvalJson {

    private EvalJson() {}

    public static ObjectNode json(Dataset ds, List<Evaluation.ModelEval> evals) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ObjectNode d = o.putObject("dataset");
        d.put("path", ds.source().toString());
        d.put("format", ds.format());
        d.put("images", ds.files().size());
        ArrayNode models = o.putArray("models");
        for (Evaluation.ModelEval e : evals) model(models.addObject(), e);
        return o;
    }

    private static void model(ObjectNode m, Evaluation.ModelEval e) {
        m.put("model", e.model());
        m.put("file", e.file().toString());
        m.put("sha256", e.sha256());
        m.put("size_bytes", e.sizeBytes());
        if (e.parameters() >= 0) m.put("parameters", e.parameters());
        else m.putNull("parameters");
        m.put("delegate", e.delegate());
        m.put("threads", e.threads());
        EvalRun.Result r = e.run();
        m.put("invoke_median_ms", round(r.medianMillis(), 3));
        m.put("invoke_p99_ms", round(r.p99Millis(), 3));
        m.put("fps", round(r.fps(), 2));
        m.put("fps_first_pass", round(r.firstPassFps(), 2));
        if (Double.isNaN(r.laterPassesFps())) m.putNull("fps_later_passes");
        else m.put("fps_later_passes", round(r.laterPassesFps(), 2));
        m.put("images_decoded", r.sources().decoded());
        m.put("images_from_memory_cache", r.sources().memory());
        m.put("images_from_disk_cache", r.sources().disk());
        m.put("decode_mean_ms", round(r.decodeMillis(), 3));
        m.put("preprocess_mean_ms", round(r.preprocessMillis(), 3));
        m.put("inferences", r.frames());
        if (r.energy() != null && !Double.isNaN(r.energy().joulesPerInference())) {
            m.put("energy_per_inference_joules", round(r.energy().joulesPerInference(), 4));
            m.put("energy_source", r.energy().source());
        } else {
            m.putNull("energy_per_inference_joules");
        }
        ArrayNode errors = m.putArray("unreadable_images");
        r.errors().forEach(errors::add);
        if (e.classification() != null) classification(m, e.classification());
        if (e.detection() != null) detection(m, e.detection());
    }

    private static void classification(ObjectNode m, ClassificationMetrics c) {
        m.put("images_evaluated", c.images());
        m.put("top1", round(c.top1(), 4));
        m.put("top5", round(c.top5(), 4));
        ArrayNode classes = m.putArray("classes");
        for (int k = 0; k < c.classes().size(); k++) {
            ObjectNode o = classes.addObject();
            o.put("class", c.classes().get(k));
            num(o, "precision", c.precision()[k]);
            num(o, "recall", c.recall()[k]);
        }
        ArrayNode conf = m.putArray("confusion"); // rows: true class; columns: predicted, then "other"
        for (int[] row : c.confusion()) {
            ArrayNode r = conf.addArray();
            for (int v : row) r.add(v);
        }
        ArrayNode w = m.putArray("warnings");
        c.warnings().forEach(w::add);
    }

    private static void detection(ObjectNode m, DetectionMetrics d) {
        m.put("map", round(d.coco().map(), 4));
        m.put("map50", round(d.coco().map50(), 4));
        m.put("map75", round(d.coco().map75(), 4));
        ArrayNode classes = m.putArray("classes");
        for (var c : d.dataset().categories()) {
            CocoEval.CategoryResult r = d.coco().category(c.id());
            ObjectNode o = classes.addObject();
            o.put("class", c.name());
            o.put("truths", r.truths());
            num(o, "ap", r.ap());
            num(o, "ap50", r.ap50());
        }
        ArrayNode points = m.putArray("operating_points");
        for (var p : d.points()) {
            ObjectNode o = points.addObject();
            o.put("group", p.name());
            o.put("threshold", p.threshold());
            ArrayNode cats = o.putArray("classes");
            p.categories().forEach(cats::add);
            num(o, "precision", p.precision());
            num(o, "recall", p.recall());
        }
        ArrayNode w = m.putArray("warnings");
        d.warnings().forEach(w::add);
    }

    /** A figure, or null where it is undefined (NaN, or -1 for an AP without ground truth). */
    private static void num(ObjectNode o, String k, double v) {
        if (Double.isNaN(v) || v < 0) o.putNull(k);
        else o.put(k, round(v, 4));
    }

    public static String text(Dataset ds, List<Evaluation.ModelEval> evals) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "dataset %s (%s, %d images)%n", ds.source(), ds.format(), ds.files().size()));
        for (Evaluation.ModelEval e : evals) {
            EvalRun.Result r = e.run();
            sb.append(String.format(Locale.ROOT, "%nmodel %s  sha256 %s  %.1f MB  %s parameters  %s, %d threads%n", e.model(), e.sha256(),
                    e.sizeBytes() / 1e6, e.parameters() >= 0 ? String.format(Locale.ROOT, "%.2fM", e.parameters() / 1e6) : "unknown",
                    e.delegate(), e.threads()));
            sb.append(String.format(Locale.ROOT, "  invoke median %.2f ms  p99 %.2f ms  %.1f images/s", r.medianMillis(), r.p99Millis(), r.fps()));
            if (r.energy() != null && !Double.isNaN(r.energy().joulesPerInference()))
                sb.append(String.format(Locale.ROOT, "  %.3f J/inference (%s)", r.energy().joulesPerInference(), r.energy().source()));
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "  first pass %.1f images/s", r.firstPassFps()));
            if (!Double.isNaN(r.laterPassesFps())) sb.append(String.format(Locale.ROOT, ", later passes %.1f images/s", r.laterPassesFps()));
            sb.append(String.format(Locale.ROOT, "  (images decoded %d, from the cache in memory %d, on disk %d)%n", r.sources().decoded(),
                    r.sources().memory(), r.sources().disk()));
            if (e.classification() != null) {
                ClassificationMetrics c = e.classification();
                sb.append(String.format(Locale.ROOT, "  top-1 %.2f%%  top-5 %.2f%%  (%d images)%n", c.top1() * 100, c.top5() * 100, c.images()));
                for (int k = 0; k < c.classes().size(); k++)
                    sb.append(String.format(Locale.ROOT, "    %-24s precision %s  recall %s%n", c.classes().get(k), pct(c.precision()[k]), pct(c.recall()[k])));
            }
            if (e.detection() != null) {
                DetectionMetrics d = e.detection();
                sb.append(String.format(Locale.ROOT, "  mAP@0.5:0.95 %.4f  mAP@0.5 %.4f%n", d.coco().map(), d.coco().map50()));
                for (var c : d.dataset().categories()) {
                    CocoEval.CategoryResult cr = d.coco().category(c.id());
                    if (cr.truths() > 0) sb.append(String.format(Locale.ROOT, "    %-24s AP %.4f  AP50 %.4f  (%d boxes)%n", c.name(), cr.ap(), cr.ap50(), cr.truths()));
                }
                for (var p : d.points())
                    sb.append(String.format(Locale.ROOT, "  at %s >= %.2f: precision %s  recall %s%n", p.name(), p.threshold(), pct(p.precision()), pct(p.recall())));
            }
        }
        return sb.toString();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "  -   " : String.format(Locale.ROOT, "%5.1f%%", v * 100);
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
