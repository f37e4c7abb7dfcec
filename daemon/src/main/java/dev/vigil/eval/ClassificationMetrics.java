package dev.vigil.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Accuracy of a classifier on an image-folder dataset.
 *
 * @param classes   the dataset's classes, in order; the confusion matrix has one more column, "other": a top-1 label
 *                  that is none of them
 * @param confusion counts [true class][predicted class or classes.size() for other]
 * @param precision per class, NaN when nothing was predicted as it
 * @param recall    per class
 * @param misses    the wrongly classified images, the most confident first
 * @param warnings  classes no model label matches (their images can only be misses)
 */
public record ClassificationMetrics(List<String> classes, int images, double top1, double top5, int[][] confusion,
                                    double[] precision, double[] recall, List<Miss> misses, List<String> warnings) {

    /** A wrongly classified image: its class, the model's top-1 label and that label's score. */
    public record Miss(Path file, String truth, String predicted, double score) {}

    static ClassificationMetrics compute(Dataset.Classification ds, List<EvalRun.Output> outputs, IntFunction<String> label, int labelCount) {
        Map<String, int[]> match = LabelMatch.match(ds.classes(), label, labelCount);
        int c = ds.classes().size();
        int[] classOfLabel = new int[labelCount];
        java.util.Arrays.fill(classOfLabel, c);
        for (int k = 0; k < c; k++) for (int i : match.get(ds.classes().get(k))) classOfLabel[i] = k;
        int[][] confusion = new int[c][c + 1];
        int n = 0, top1 = 0, top5 = 0;
        List<Miss> misses = new ArrayList<>();
        for (int s = 0; s < ds.samples().size(); s++) {
            EvalRun.Output o = outputs.get(s);
            if (o == null) continue;
            n++;
            int truth = ds.samples().get(s).classIndex();
            int predicted = o.count() == 0 ? c : classOf(classOfLabel, o.classes()[0], c);
            confusion[truth][predicted]++;
            if (predicted == truth) top1++;
            for (int i = 0; i < Math.min(5, o.count()); i++) {
                if (classOf(classOfLabel, o.classes()[i], c) == truth) {
                    top5++;
                    break;
                }
            }
            if (predicted != truth)
                misses.add(new Miss(ds.samples().get(s).file(), ds.classes().get(truth), o.count() == 0 ? "nothing" : label.apply(o.classes()[0]),
                        o.count() == 0 ? 0 : o.scores()[0]));
        }
        double[] precision = new double[c], recall = new double[c];
        for (int k = 0; k < c; k++) {
            int predictedAsK = 0, ofK = 0;
            for (int t = 0; t < c; t++) predictedAsK += confusion[t][k];
            for (int p = 0; p <= c; p++) ofK += confusion[k][p];
            precision[k] = predictedAsK == 0 ? Double.NaN : (double) confusion[k][k] / predictedAsK;
            recall[k] = ofK == 0 ? Double.NaN : (double) confusion[k][k] / ofK;
        }
        misses.sort(Comparator.comparingDouble(Miss::score).reversed());
        return new ClassificationMetrics(ds.classes(), n, n == 0 ? Double.NaN : (double) top1 / n, n == 0 ? Double.NaN : (double) top5 / n,
                confusion, precision, recall, List.copyOf(misses),
                LabelMatch.unmatched(match, label, labelCount, "class folder"));
    }

    private static int classOf(int[] classOfLabel, int labelIndex, int other) {
        return labelIndex >= 0 && labelIndex < classOfLabel.length ? classOfLabel[labelIndex] : other;
    }
}
