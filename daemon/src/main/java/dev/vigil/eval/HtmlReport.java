package dev.vigil.eval;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The report of {@code vigil eval --report}: one HTML page that needs nothing else (plots in SVG, thumbnails as
 * data: URLs, no scripts, no external URLs), so it can be mailed or opened from a device's disk.
 */
public final class HtmlReport {

    private HtmlReport() {}

    public static String render(Dataset ds, List<Evaluation.ModelEval> evals) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>vigil eval: ")
                .append(escapeHtml4(String.join(" vs ", evals.stream().map(Evaluation.ModelEval::model).toList()))).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
                .append(".plots{display:flex;flex-wrap:wrap;gap:12px}.miss{display:inline-block;margin:6px;font-size:12px;vertical-align:top;max-width:210px}")
                .append(".warn{color:#a40}.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}</style></head><body>");
        h.append("<h1>Evaluation</h1><p>Dataset <code>").append(escapeHtml4(ds.source().toString())).append("</code>, ")
                .append(escapeHtml4(ds.format())).append(", ").append(ds.files().size()).append(" images.</p>");
        h.append("<p class='key'>");
        for (int i = 0; i < evals.size(); i++)
            h.append("<span style='background:").append(Svg.COLOURS[i % Svg.COLOURS.length]).append("'></span>").append(escapeHtml4(evals.get(i).model()));
        h.append("</p>");
        figures(h, evals);
        for (var e : evals) {
            List<String> warnings = e.classification() != null ? e.classification().warnings() : e.detection().warnings();
            for (String w : warnings) h.append("<p class='warn'>").append(escapeHtml4(e.model() + ": " + w)).append("</p>");
            for (String w : e.run().errors()) h.append("<p class='warn'>").append(escapeHtml4(e.model() + ": " + w)).append("</p>");
        }
        if (evals.getFirst().classification() != null) classification(h, evals);
        else detection(h, evals);
        return h.append("</body></html>\n").toString();
    }

    private static void figures(StringBuilder h, List<Evaluation.ModelEval> evals) {
        List<String> names = evals.stream().map(Evaluation.ModelEval::model).toList();
        h.append("<h2>Figures</h2><table><tr><th></th>");
        for (String n : names) h.append("<th>").append(escapeHtml4(n)).append("</th>");
        h.append("</tr>");
        boolean cls = evals.getFirst().classification() != null;
        if (cls) {
            row(h, "top-1 accuracy", evals, e -> pct(e.classification().top1()));
            row(h, "top-5 accuracy", evals, e -> pct(e.classification().top5()));
        } else {
            row(h, "mAP@0.5:0.95", evals, e -> fmt("%.4f", e.detection().coco().map()));
            row(h, "mAP@0.5", evals, e -> fmt("%.4f", e.detection().coco().map50()));
        }
        row(h, "invoke median", evals, e -> fmt("%.2f ms", e.run().medianMillis()));
        row(h, "invoke p99", evals, e -> fmt("%.2f ms", e.run().p99Millis()));
        row(h, "images/s (decode overlapped)", evals, e -> fmt("%.1f", e.run().fps()));
        row(h, "energy per inference", evals, e -> e.run().energy() == null || Double.isNaN(e.run().energy().joulesPerInference()) ? "n/a"
                : fmt("%.3f J", e.run().energy().joulesPerInference()) + " (" + e.run().energy().source() + ")");
        row(h, "size on disk", evals, e -> fmt("%.2f MB", e.sizeBytes() / 1e6));
        row(h, "parameters", evals, e -> e.parameters() < 0 ? "unknown" : fmt("%.2f M", e.parameters() / 1e6));
        row(h, "sha256", evals, Evaluation.ModelEval::sha256);
        row(h, "delegate, threads", evals, e -> e.delegate() + ", " + e.threads());
        h.append("</table><div class='plots'>");
        h.append(Svg.bars(cls ? "top-1 accuracy" : "mAP@0.5:0.95", names,
                evals.stream().mapToDouble(e -> cls ? e.classification().top1() : e.detection().coco().map()).toArray(), ""));
        h.append(Svg.bars("invoke median", names, evals.stream().mapToDouble(e -> e.run().medianMillis()).toArray(), "ms"));
        h.append("</div>");
    }

    private static void row(StringBuilder h, String name, List<Evaluation.ModelEval> evals, Function<Evaluation.ModelEval, String> f) {
        h.append("<tr><td>").append(escapeHtml4(name)).append("</td>");
        for (var e : evals) h.append("<td>").append(escapeHtml4(f.apply(e))).append("</td>");
        h.append("</tr>");
    }

    private static void classification(StringBuilder h, List<Evaluation.ModelEval> evals) {
        List<String> classes = evals.getFirst().classification().classes();
        h.append("<h2>Per class</h2><table><tr><th>class</th>");
        for (var e : evals) h.append("<th>precision ").append(escapeHtml4(e.model())).append("</th><th>recall</th>");
        h.append("</tr>");
        for (int k = 0; k < classes.size(); k++) {
            h.append("<tr><td>").append(escapeHtml4(classes.get(k))).append("</td>");
            for (var e : evals) h.append("<td>").append(pct(e.classification().precision()[k])).append("</td><td>")
                    .append(pct(e.classification().recall()[k])).append("</td>");
            h.append("</tr>");
        }
        h.append("</table>");
        for (var e : evals) {
            h.append("<h2>Confusion matrix: ").append(escapeHtml4(e.model())).append("</h2>");
            h.append(Svg.confusion(classes, e.classification().confusion()));
        }
        for (var e : evals) {
            h.append("<h2>Worst misses: ").append(escapeHtml4(e.model())).append("</h2>");
            var misses = e.classification().misses();
            if (misses.isEmpty()) h.append("<p>None.</p>");
            for (var m : misses.subList(0, Math.min(8, misses.size())))
                thumb(h, m.file(), List.of(), "is " + m.truth() + ", seen as " + m.predicted() + fmt(" %.2f", m.score()));
        }
    }

    private static void detection(StringBuilder h, List<Evaluation.ModelEval> evals) {
        Dataset.Detection ds = evals.getFirst().detection().dataset();
        h.append("<h2>Per class AP</h2><table><tr><th>class</th><th>boxes</th>");
        for (var e : evals) h.append("<th>AP ").append(escapeHtml4(e.model())).append("</th><th>AP50</th>");
        h.append("</tr>");
        for (var c : ds.categories()) {
            h.append("<tr><td>").append(escapeHtml4(c.name())).append("</td><td>").append(evals.getFirst().detection().coco().category(c.id()).truths()).append("</td>");
            for (var e : evals) {
                var r = e.detection().coco().category(c.id());
                h.append("<td>").append(ap(r.ap())).append("</td><td>").append(ap(r.ap50())).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table><h2>At the operating thresholds</h2><table><tr><th>group</th><th>min score</th>");
        for (var e : evals) h.append("<th>precision ").append(escapeHtml4(e.model())).append("</th><th>recall</th>");
        h.append("</tr>");
        var points = evals.getFirst().detection().points();
        for (int i = 0; i < points.size(); i++) {
            h.append("<tr><td>").append(escapeHtml4(points.get(i).name() + " (" + String.join(", ", points.get(i).categories()) + ")"))
                    .append("</td><td>").append(fmt("%.2f", points.get(i).threshold())).append("</td>");
            for (var e : evals) {
                var p = e.detection().points().get(i);
                h.append("<td>").append(pct(p.precision())).append("</td><td>").append(pct(p.recall())).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table><h2>Precision-recall at IoU 0.5</h2><div class='plots'>");
        for (var c : ds.categories()) {
            if (evals.getFirst().detection().coco().category(c.id()).truths() == 0) continue;
            List<Svg.Series> series = new ArrayList<>();
            for (var e : evals) series.add(new Svg.Series(e.model(), e.detection().coco().category(c.id()).precision()[0]));
            h.append(Svg.prCurve(c.name(), series));
        }
        h.append("</div>");
        for (var e : evals) {
            h.append("<h2>Worst images: ").append(escapeHtml4(e.model())).append("</h2><p>Green: ground truth; red: detections at or above the threshold.</p>");
            if (e.detection().worst().isEmpty()) h.append("<p>None.</p>");
            for (var m : e.detection().worst()) {
                List<Thumbnails.Mark> marks = new ArrayList<>();
                for (Box b : ds.truths()) if (b.image() == m.image()) marks.add(new Thumbnails.Mark(b, true));
                for (Box b : e.detection().detections()) if (b.image() == m.image() && b.score() >= m.threshold()) marks.add(new Thumbnails.Mark(b, false));
                thumb(h, m.file(), marks, m.missed() + " missed, " + m.falsePositives() + " false at " + fmt("%.2f", m.threshold()));
            }
        }
    }

    private static void thumb(StringBuilder h, java.nio.file.Path file, List<Thumbnails.Mark> marks, String caption) {
        String url = Thumbnails.dataUrl(file, marks);
        h.append("<div class='miss'>");
        if (url != null) h.append("<img alt='").append(escapeHtml4(file.getFileName().toString())).append("' src='").append(url).append("'><br>");
        h.append("<code>").append(escapeHtml4(file.getFileName().toString())).append("</code><br>").append(escapeHtml4(caption)).append("</div>");
    }

    private static String ap(double v) { return v < 0 ? "-" : fmt("%.4f", v); }

    private static String pct(double v) { return Double.isNaN(v) ? "-" : fmt("%.1f%%", v * 100); }

    private static String fmt(String f, double v) { return String.format(Locale.ROOT, f, v); }
}
