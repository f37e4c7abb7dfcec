package dev.vigil.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Accuracy of a detector on a box dataset: COCO mAP, per-class AP, and precision/recall where the daemon would act
 * (each configured group's min_score, or one threshold).
 *
 * @param detections the model's boxes as evaluated: in pixels, category ids of the dataset
 * @param points     precision and recall at the operating thresholds
 * @param worst      the images with the most misses and false positives at the operating threshold, worst first
 * @param warnings   dataset categories no model label matches
 */
public record DetectionMetrics(Dataset.Detection dataset, CocoEval.Result coco, List<Box> detections, List<OperatingPoint> points,
                               List<ImageMiss> worst, List<String> warnings) {

    /**
     * A group of the config (or "all" for --threshold) at its min_score: its categories of the dataset and the
     * precision and recall of their detections at IoU 0.5.
     */
    public record OperatingPoint(String name, double threshold, List<String> categories, double precision, double recall) {}

    /** An image the model does worst on at the threshold: ground truth missed and boxes where there is nothing. */
    public record ImageMiss(Path file, int image, int missed, int falsePositives, double threshold) {}

    /** A configured group: its name, model labels and min_score. */
    public record Group(String name, Set<String> labels, double minScore) {}

    static DetectionMetrics compute(Dataset.Detection ds, List<EvalRun.Output> outputs, IntFunction<String> label, int labelCount,
                                    List<Group> groups, double threshold) {
        List<String> names = ds.categories().stream().map(Dataset.Detection.Category::name).toList();
        Map<String, int[]> match = LabelMatch.match(names, label, labelCount);
        Map<Integer, Integer> categoryOfLabel = new HashMap<>();
        for (var c : ds.categories()) for (int i : match.get(c.name())) categoryOfLabel.put(i, c.id());
        List<Box> dets = new ArrayList<>();
        for (int k = 0; k < ds.images().size(); k++) {
            EvalRun.Output o = outputs.get(k);
            if (o == null) continue;
            Dataset.Detection.Image img = ds.images().get(k);
            for (int i = 0; i < o.count(); i++) {
                Integer cat = categoryOfLabel.get(o.classes()[i]);
                if (cat == null) continue; // a label the dataset does not annotate: not judged
                float[] b = o.boxes();
                double x0 = b[i * 4] * o.width(), y0 = b[i * 4 + 1] * o.height(), x1 = b[i * 4 + 2] * o.width(), y1 = b[i * 4 + 3] * o.height();
                dets.add(Box.detection(img.id(), cat, x0, y0, x1 - x0, y1 - y0, o.scores()[i]));
            }
        }
        // Images that could not be read are left out of the evaluation, not counted as all misses.
        List<Integer> evaluated = new ArrayList<>();
        for (int k = 0; k < ds.images().size(); k++) if (outputs.get(k) != null) evaluated.add(ds.images().get(k).id());
        Set<Integer> ok = Set.copyOf(evaluated);
        List<Box> truths = ds.truths().stream().filter(t -> ok.contains(t.image())).toList();
        CocoEval.Result coco = CocoEval.evaluate(evaluated, ds.categoryIds(), truths, dets);
        List<OperatingPoint> points = new ArrayList<>();
        if (groups.isEmpty()) {
            points.add(point("all", threshold, ds.categories(), coco));
        } else {
            for (Group g : groups) {
                List<Dataset.Detection.Category> cats = ds.categories().stream()
                        .filter(c -> g.labels().stream().anyMatch(l -> LabelMatch.normalize(l).equals(LabelMatch.normalize(c.name())))).toList();
                points.add(point(g.name(), g.minScore(), cats, coco));
            }
        }
        double worstAt = groups.isEmpty() ? threshold : groups.stream().mapToDouble(Group::minScore).min().orElse(threshold);
        return new DetectionMetrics(ds, coco, List.copyOf(dets), List.copyOf(points), worst(ds, truths, dets, worstAt, 8),
                LabelMatch.unmatched(match, label, labelCount, "category"));
    }

    private static OperatingPoint point(String name, double threshold, List<Dataset.Detection.Category> cats, CocoEval.Result coco) {
        int tp = 0, n = 0, truths = 0;
        for (var c : cats) {
            CocoEval.CategoryResult r = coco.category(c.id());
            int[] k = r.countsAt(threshold);
            tp += k[0];
            n += k[1];
            truths += r.truths();
        }
        return new OperatingPoint(name, threshold, cats.stream().map(Dataset.Detection.Category::name).toList(),
                n == 0 ? Double.NaN : (double) tp / n, truths == 0 ? Double.NaN : (double) tp / truths);
    }

    /** Matching at IoU 0.5 with only the detections at or above the threshold, as the daemon would see them. */
    static List<ImageMiss> worst(Dataset.Detection ds, List<Box> truths, List<Box> dets, double threshold, int limit) {
        Map<Long, List<Box>> gt = new HashMap<>(), dt = new HashMap<>();
        for (Box b : truths) gt.computeIfAbsent(key(b), k -> new ArrayList<>()).add(b);
        for (Box b : dets) if (b.score() >= threshold) dt.computeIfAbsent(key(b), k -> new ArrayList<>()).add(b);
        List<ImageMiss> out = new ArrayList<>();
        for (var img : ds.images()) {
            int missed = 0, fp = 0;
            for (var c : ds.categories()) {
                long k = ((long) img.id() << 32) | (c.id() & 0xffffffffL);
                List<Box> g = gt.getOrDefault(k, List.of()), d = dt.getOrDefault(k, List.of());
                if (g.isEmpty() && d.isEmpty()) continue;
                CocoEval.ImageEval e = CocoEval.evaluateImage(img.id(), g, d);
                for (int i = 0; i < e.truthIgnored().length; i++) if (!e.truthIgnored()[i] && !e.truthMatched()[0][i]) missed++;
                for (int i = 0; i < e.scores().length; i++) if (!e.matched()[0][i] && !e.ignored()[0][i]) fp++;
            }
            if (missed + fp > 0) out.add(new ImageMiss(img.file(), img.id(), missed, fp, threshold));
        }
        out.sort(Comparator.comparingInt((ImageMiss m) -> -(m.missed() + m.falsePositives())));
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private static long key(Box b) { return ((long) b.image() << 32) | (b.category() & 0xffffffffL); }
}
