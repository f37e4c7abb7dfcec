package dev.vigil.pipeline;

import dev.vigil.config.SecondStageConfig;
import dev.vigil.inference.ModelLoadException;
import dev.vigil.postprocess.Detection;
import dev.vigil.postprocess.SubLabel;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A classifier on a detector's boxes: each box of a listed label, enlarged by the margin and clamped to the frame, is
 * cropped and classified, and the best class becomes the detection's {@link SubLabel}. Runs on the inference thread
 * between the detector and the rules, so groups can ask for a sub-label. Owns its classifier and closes it.
 *
 * <p>Per frame it allocates no native memory: a crop is one reused Mat header pointed at the frame's pixels
 * ({@code adjustROI}), and the classifier's preprocessor resizes it into the tensor directly. One thread at a time.
 */
public final class SecondStage implements AutoCloseable {

    /** A crop narrower or lower than this (in frame pixels) says nothing a classifier could name: skipped and counted. */
    public static final int MIN_CROP_PX = 8;

    private final SecondStageConfig config;
    private final Analyzer classifier;
    private final Mat crop = new Mat();
    private final int[] chosen; // detection indices to classify this frame, best score first
    private final int[] rect = new int[4];
    private int crops, tooSmall, overLimit;

    /** Takes ownership of {@code classifier}: closed here also when it is refused. */
    public SecondStage(SecondStageConfig config, Analyzer classifier) {
        if (classifier.kind() != Analyzer.Kind.CLASSIFIER) {
            classifier.close();
            crop.close();
            throw new ModelLoadException("second_stage.model: " + config.model() + " is a " + classifier.kind().word()
                    + ", not a classifier; give a classifier (one output of class scores), e.g. mobilenet_v2_quant");
        }
        this.config = config;
        this.classifier = classifier;
        this.chosen = new int[config.maxPerFrame()];
    }

    public SecondStageConfig config() { return config; }

    public Analyzer classifier() { return classifier; }

    /**
     * Classifies the crops of {@code detections}' listed labels in {@code bgr} (the frame the detector saw) and replaces
     * each such detection with one carrying its sub-label; the list must be modifiable.
     */
    public void apply(Mat bgr, List<Detection> detections) {
        crops = tooSmall = overLimit = 0;
        int n = choose(detections);
        if (n == 0) return;
        int w = bgr.cols(), h = bgr.rows();
        try {
            for (int k = 0; k < n; k++) {
                int i = chosen[k];
                Detection d = detections.get(i);
                if (!crop(d.box(), config.margin(), w, h, rect)) {
                    tooSmall++;
                    continue;
                }
                crop.put(bgr); // the whole frame again: adjustROI moves relative to the current region
                crop.adjustROI(-rect[1], -(h - rect[3]), -rect[0], -(w - rect[2]));
                classifier.analyze(crop, config.minScore());
                crops++;
                var top = classifier.topK();
                if (top.count() > 0)
                    detections.set(i, d.withSub(new SubLabel(classifier.label(top.index(0)), top.index(0), top.score(0))));
            }
        } finally {
            crop.release(); // the frame's pixels are lent for this frame only
        }
    }

    /** Fills {@link #chosen} with the best-scoring detections of the listed labels, at most max_per_frame. */
    private int choose(List<Detection> detections) {
        int n = 0;
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            if (!config.labels().contains(d.label())) continue;
            if (n == chosen.length) {
                overLimit++;
                if (d.score() <= detections.get(chosen[n - 1]).score()) continue;
                n--; // the weakest chosen one makes room
            }
            int j = n++;
            while (j > 0 && detections.get(chosen[j - 1]).score() < d.score()) {
                chosen[j] = chosen[j - 1];
                j--;
            }
            chosen[j] = i;
        }
        return n;
    }

    /**
     * The pixel rectangle of {@code box} enlarged by {@code margin} of its size on every side and clamped to a
     * {@code w} x {@code h} frame, into {@code out} as x0, y0, x1, y1 (x1, y1 exclusive).
     *
     * @return false when the rectangle is narrower or lower than {@link #MIN_CROP_PX}
     */
    public static boolean crop(float[] box, float margin, int w, int h, int[] out) {
        float mx = (box[2] - box[0]) * margin, my = (box[3] - box[1]) * margin;
        out[0] = px(box[0] - mx, w, false);
        out[1] = px(box[1] - my, h, false);
        out[2] = px(box[2] + mx, w, true);
        out[3] = px(box[3] + my, h, true);
        return out[2] - out[0] >= MIN_CROP_PX && out[3] - out[1] >= MIN_CROP_PX;
    }

    /** A normalised coordinate to a pixel edge, clamped to the frame; the box's far edges round up so it is not cut. */
    private static int px(float v, int extent, boolean end) {
        float p = Math.clamp(v, 0f, 1f) * extent;
        // A thousandth of a pixel of float noise (0.2f + 0.1f) must not add a column.
        return Math.clamp(end ? (int) Math.ceil(p - 1e-3f) : (int) Math.floor(p + 1e-3f), 0, extent);
    }

    /** Boxes classified by the last {@link #apply}. */
    public int crops() { return crops; }

    /** Boxes of the last {@link #apply} whose crop was too small to classify. */
    public int tooSmall() { return tooSmall; }

    /** Boxes of the last {@link #apply} beyond max_per_frame. */
    public int overLimit() { return overLimit; }

    @Override
    public void close() {
        crop.close();
        classifier.close();
    }
}
