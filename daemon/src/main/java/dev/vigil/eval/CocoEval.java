package dev.vigil.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Box mAP exactly as pycocotools' COCOeval computes it for iouType "bbox", area range "all" and maxDets 100, step
 * for step: per image and category the detections sorted by score (stable: ties keep the input order) and cut to
 * 100, greedy matching at each of the ten IoU thresholds 0.50:0.05:0.95 (a crowd ground truth may take any number
 * of detections, which are then ignored, and an ignored truth is only taken when no other is left), then per
 * category all images' detections sorted by score again (stable, images by ascending id), precision made monotone
 * and read at 101 recall points. Categories without a non-crowd ground truth have no AP (-1) and do not count.
 * CocoMapTest holds the numbers to the reference implementation's on a generated dataset.
 */
public final class CocoEval {

    public static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    public static final double[] RECALL_POINTS = linspace(0.0, 1.0, 101);
    public static final int MAX_DETS = 100;
    private static final double AREA_MAX = 1e5 * 1e5;

    /** numpy.linspace's arithmetic (i * step + start, the last point set to stop), so thresholds equal COCO's bit for bit. */
    static double[] linspace(double start, double stop, int n) {
        double step = (stop - start) / (n - 1);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = i * step + start;
        y[n - 1] = stop;
        return y;
    }

    /** One image and category after matching (COCOeval.evaluateImg), detections in score order. */
    record ImageEval(int image, double[] scores, boolean[][] matched, boolean[][] ignored, int truths, boolean[][] truthMatched,
                     boolean[] truthIgnored) {}

    /**
     * The evaluation of one category: {@code precision[t][r]} at IoU threshold t and recall point r (-1 for all
     * when the category has no ground truth), {@code recall[t]} the recall reached, and at IoU 0.5 the detections
     * in score order with whether each was a hit, for precision and recall at any score threshold.
     */
    public record CategoryResult(int category, double[][] precision, double[] recall, int truths, double[] scores, boolean[] hits) {

        /** AP over the ten IoU thresholds (COCO's AP), or -1 without ground truth. */
        public double ap() { return mean(precision, 0, IOU_THRESHOLDS.length); }

        /** AP at IoU 0.5 (Pascal VOC's metric, COCO-interpolated). */
        public double ap50() { return mean(precision, 0, 1); }

        public double ap75() { return mean(precision, 5, 6); }

        /** Precision and recall at IoU 0.5 counting the detections scored at least {@code threshold} (NaN where 0/0). */
        public double[] precisionRecallAt(double threshold) {
            int[] c = countsAt(threshold);
            return new double[] {c[1] == 0 ? Double.NaN : (double) c[0] / c[1], truths == 0 ? Double.NaN : (double) c[0] / truths};
        }

        /** At IoU 0.5 and a score threshold: {hits, detections counted}. */
        public int[] countsAt(double threshold) {
            int tp = 0, n = 0;
            for (int i = 0; i < scores.length && scores[i] >= threshold; i++, n++) if (hits[i]) tp++;
            return new int[] {tp, n};
        }
    }

    /** The whole evaluation; mAP values are -1 when no category has ground truth. */
    public record Result(List<CategoryResult> categories) {

        public double map() { return meanOf(CategoryResult::ap); }

        public double map50() { return meanOf(CategoryResult::ap50); }

        public double map75() { return meanOf(CategoryResult::ap75); }

        /** COCO's averaging: every valid precision entry over categories (all have 10 x 101 entries). */
        private double meanOf(java.util.function.ToDoubleFunction<CategoryResult> f) {
            double s = 0;
            int n = 0;
            for (CategoryResult c : categories) {
                double v = f.applyAsDouble(c);
                if (v > -1) { s += v; n++; }
            }
            return n == 0 ? -1 : s / n;
        }

        public CategoryResult category(int id) {
            return categories.stream().filter(c -> c.category() == id).findFirst().orElseThrow();
        }
    }

    private CocoEval() {}

    /**
     * @param imageIds    the dataset's images (any order; evaluated by ascending id as COCOeval does)
     * @param categoryIds the dataset's categories
     * @param truths      ground truth boxes, in the annotation file's order
     * @param detections  detections, in the order they were produced (that order breaks score ties)
     */
    public static Result evaluate(List<Integer> imageIds, List<Integer> categoryIds, List<Box> truths, List<Box> detections) {
        int[] imgs = imageIds.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        int[] cats = categoryIds.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        Map<Long, List<Box>> gt = group(truths), dt = group(detections);
        List<CategoryResult> results = new ArrayList<>();
        for (int cat : cats) {
            List<ImageEval> evals = new ArrayList<>();
            for (int img : imgs) {
                List<Box> g = gt.getOrDefault(key(img, cat), List.of()), d = dt.getOrDefault(key(img, cat), List.of());
                if (g.isEmpty() && d.isEmpty()) continue;
                evals.add(evaluateImage(img, g, d));
            }
            results.add(accumulate(cat, evals));
        }
        return new Result(List.copyOf(results));
    }

    private static long key(int image, int category) { return ((long) image << 32) | (category & 0xffffffffL); }

    private static Map<Long, List<Box>> group(List<Box> boxes) {
        Map<Long, List<Box>> m = new HashMap<>();
        for (Box b : boxes) m.computeIfAbsent(key(b.image(), b.category()), k -> new ArrayList<>()).add(b);
        return m;
    }

    static ImageEval evaluateImage(int image, List<Box> gtIn, List<Box> dtIn) {
        List<Box> dt = new ArrayList<>(dtIn);
        dt.sort(Comparator.comparingDouble(b -> -b.score())); // List.sort is stable, as numpy's mergesort
        if (dt.size() > MAX_DETS) dt = dt.subList(0, MAX_DETS);
        boolean[] ign0 = new boolean[gtIn.size()];
        for (int i = 0; i < ign0.length; i++) {
            Box g = gtIn.get(i);
            ign0[i] = g.ignore() || g.area() < 0 || g.area() > AREA_MAX;
        }
        // Not-ignored ground truth first, stable.
        Integer[] order = new Integer[gtIn.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> ign0[i] ? 1 : 0));
        List<Box> gt = new ArrayList<>();
        boolean[] gtIg = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            gt.add(gtIn.get(order[i]));
            gtIg[i] = ign0[order[i]];
        }
        int T = IOU_THRESHOLDS.length, D = dt.size(), G = gt.size();
        double[][] ious = new double[D][G];
        for (int d = 0; d < D; d++) for (int g = 0; g < G; g++) ious[d][g] = Box.iou(dt.get(d), gt.get(g));
        boolean[][] gtm = new boolean[T][G], dtm = new boolean[T][D], dtIg = new boolean[T][D];
        for (int t = 0; t < T; t++) {
            for (int d = 0; d < D; d++) {
                double iou = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                int m = -1;
                for (int g = 0; g < G; g++) {
                    if (gtm[t][g] && !gt.get(g).crowd()) continue;
                    if (m > -1 && !gtIg[m] && gtIg[g]) break;
                    if (ious[d][g] < iou) continue;
                    iou = ious[d][g];
                    m = g;
                }
                if (m == -1) continue;
                dtIg[t][d] = gtIg[m];
                dtm[t][d] = true;
                gtm[t][m] = true;
            }
            for (int d = 0; d < D; d++) {
                double a = dt.get(d).area();
                if (!dtm[t][d] && (a < 0 || a > AREA_MAX)) dtIg[t][d] = true;
            }
        }
        double[] scores = new double[D];
        for (int d = 0; d < D; d++) scores[d] = dt.get(d).score();
        int truths = 0;
        for (boolean ig : gtIg) if (!ig) truths++;
        return new ImageEval(image, scores, dtm, dtIg, truths, gtm, gtIg);
    }

    static CategoryResult accumulate(int category, List<ImageEval> evals) {
        int T = IOU_THRESHOLDS.length, R = RECALL_POINTS.length;
        double[][] precision = new double[T][R];
        double[] recall = new double[T];
        for (double[] p : precision) Arrays.fill(p, -1);
        Arrays.fill(recall, -1);
        int npig = 0, nd = 0;
        for (ImageEval e : evals) { npig += e.truths(); nd += e.scores().length; }
        if (evals.isEmpty() || npig == 0) return new CategoryResult(category, precision, recall, npig, new double[0], new boolean[0]);
        // All images' detections in one stable descending sort, images in ascending id order.
        double[] scores = new double[nd];
        int[] img = new int[nd], idx = new int[nd];
        int k = 0;
        for (int i = 0; i < evals.size(); i++) {
            for (int d = 0; d < evals.get(i).scores().length; d++, k++) {
                scores[k] = evals.get(i).scores()[d];
                img[k] = i;
                idx[k] = d;
            }
        }
        Integer[] order = new Integer[nd];
        for (int i = 0; i < nd; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        double[] sorted = new double[nd];
        boolean[] hits50 = new boolean[nd];
        for (int t = 0; t < T; t++) {
            double[] pr = new double[nd], rc = new double[nd];
            double tp = 0, fp = 0;
            int n = 0;
            for (int j = 0; j < nd; j++) {
                int o = order[j];
                ImageEval e = evals.get(img[o]);
                boolean m = e.matched()[t][idx[o]], ig = e.ignored()[t][idx[o]];
                if (m && !ig) tp++;
                if (!m && !ig) fp++;
                rc[j] = tp / npig;
                pr[j] = tp / (fp + tp + Math.ulp(1.0));
                if (t == 0) {
                    sorted[j] = scores[o];
                    hits50[j] = m && !ig;
                    // An ignored detection is neither; kept out of the counts by scoring it below every threshold.
                    if (ig) sorted[j] = Double.NEGATIVE_INFINITY;
                }
                n++;
            }
            recall[t] = n > 0 ? rc[n - 1] : 0;
            for (int i = n - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
            double[] q = precision[t];
            Arrays.fill(q, 0);
            int pi = 0;
            for (int r = 0; r < R; r++) {
                while (pi < n && rc[pi] < RECALL_POINTS[r]) pi++; // searchsorted, side left
                if (pi >= n) break; // COCOeval's IndexError: the rest stays 0
                q[r] = pr[pi];
            }
        }
        return new CategoryResult(category, precision, recall, npig, compact(sorted), keep(hits50, sorted));
    }

    private static double[] compact(double[] sorted) {
        return Arrays.stream(sorted).filter(s -> s != Double.NEGATIVE_INFINITY).toArray();
    }

    private static boolean[] keep(boolean[] hits, double[] sorted) {
        boolean[] out = new boolean[(int) Arrays.stream(sorted).filter(s -> s != Double.NEGATIVE_INFINITY).count()];
        for (int i = 0, j = 0; i < hits.length; i++) if (sorted[i] != Double.NEGATIVE_INFINITY) out[j++] = hits[i];
        return out;
    }

    static double mean(double[][] precision, int from, int to) {
        double s = 0;
        int n = 0;
        for (int t = from; t < to; t++) for (double v : precision[t]) if (v > -1) { s += v; n++; }
        return n == 0 ? -1 : s / n;
    }
}
