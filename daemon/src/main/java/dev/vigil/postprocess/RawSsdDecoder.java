package dev.vigil.postprocess;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a raw-output SSD (no TFLite_Detection_PostProcess in the graph): box encodings {@code [1, N, 4]} as
 * (ty, tx, th, tw) relative to {@link SsdAnchors}, and class scores {@code [1, N, classes]}.
 *
 * <p>Per call: every score above the threshold (compared as a logit when the scores are logits, so only those
 * candidates pay for an exp) goes to its class's candidate list, which keeps the best
 * {@value #CANDIDATES_PER_CLASS} (as TFLite's own post-processing op keeps {@code detections_per_class});
 * each class is reduced by greedy non-max suppression at {@code iou_threshold}; the best {@code max_detections}
 * over all classes are reported, best first. The class index reported is the score tensor's column, so label
 * {@code i} is line {@code i} of a label file that starts with the background line.
 *
 * <p>Allocation: all working arrays are made in the constructor; {@link #decode} allocates nothing. The
 * candidate lists, the sort and the NMS are written here rather than taken from a library because the JDK's
 * primitive sorts cannot order one array by another's values, and its object sorts box and allocate.
 */
public final class RawSsdDecoder implements DetectionDecoder {

    /** Best candidates kept per class before NMS. */
    static final int CANDIDATES_PER_CLASS = 100;

    private final SsdSpec spec;
    private final SsdAnchors anchors;
    private final int boxOutput;
    private final int scoreOutput;
    private final TensorSpec boxSpec;
    private final TensorSpec scoreSpec;
    private final int anchorCount;
    private final int classes;
    private final int maxDetections;
    private final float yScale, xScale, hScale, wScale;

    // per-class candidates, best first: class c uses [c * CANDIDATES_PER_CLASS, (c + 1) * CANDIDATES_PER_CLASS)
    private final int[] candidateAnchor;
    private final float[] candidateScore;
    private final int[] candidateCount;
    // decoded boxes (ymin, xmin, ymax, xmax) of the anchors used this call, stamped with the call number
    private final float[] box;
    private final int[] boxStamp;
    private int stamp;
    // the final best detections over all classes, best first
    private final int[] topClass;
    private final int[] topAnchor;
    private final float[] topScore;
    private int topCount;
    // float32 scores are copied in bulk and scanned as an array: several times faster than element reads
    private final float[] scoreValues;
    private ByteBuffer scoreSource;
    private FloatBuffer scoreView;
    private float lastThreshold = Float.NaN;
    private float rawThreshold;

    /**
     * Builds a decoder for a model's outputs. Fails with a one-line message when the outputs are not a raw SSD's,
     * or when the spec's anchors do not match the model's box count.
     */
    public RawSsdDecoder(SsdSpec spec, List<TensorSpec> outputs) {
        this.spec = spec;
        this.anchors = SsdAnchors.generate(spec);
        int[] pair = findTensors(outputs);
        boxOutput = pair[0];
        scoreOutput = pair[1];
        TensorSpec boxes = outputs.get(boxOutput);
        TensorSpec scores = outputs.get(scoreOutput);
        anchorCount = boxes.elements() / 4;
        classes = scores.dim(-1);
        if (anchors.count() != anchorCount) {
            throw new IllegalArgumentException("decoding spec gives " + anchors.count() + " anchors but the model's box tensor "
                    + boxes + " has " + anchorCount + "; check num_layers, strides, aspect_ratios, reduce_boxes_in_lowest_layer"
                    + " and interpolated_scale_aspect_ratio");
        }
        if (spec.backgroundClass() >= classes) {
            throw new IllegalArgumentException("background_class: " + spec.backgroundClass() + " is not a column of the score tensor "
                    + scores + "; use 0..." + (classes - 1) + " or -1 for none");
        }
        boxSpec = readable(boxes);
        scoreSpec = readable(scores);
        maxDetections = spec.maxDetections();
        yScale = spec.boxScale(0);
        xScale = spec.boxScale(1);
        hScale = spec.boxScale(2);
        wScale = spec.boxScale(3);
        candidateAnchor = new int[classes * CANDIDATES_PER_CLASS];
        candidateScore = new float[classes * CANDIDATES_PER_CLASS];
        candidateCount = new int[classes];
        box = new float[anchorCount * 4];
        boxStamp = new int[anchorCount];
        topClass = new int[maxDetections];
        topAnchor = new int[maxDetections];
        topScore = new float[maxDetections];
        scoreValues = scores.type() == TensorType.FLOAT32 ? new float[anchorCount * classes] : null;
    }

    /** A decoder for an open engine's outputs. */
    public static RawSsdDecoder forEngine(SsdSpec spec, InferenceEngine engine) {
        return new RawSsdDecoder(spec, engine.outputs());
    }

    public SsdSpec spec() { return spec; }

    public SsdAnchors anchors() { return anchors; }

    /** Number of score columns, the background included. */
    public int classes() { return classes; }

    /**
     * The box tensor is the one whose last dimension is 4; the score tensor has the same number of rows. With
     * two such tensors (a 4-class model) the first is the boxes, the TF Object Detection API's export order.
     */
    private static int[] findTensors(List<TensorSpec> outputs) {
        for (int b = 0; b < outputs.size(); b++) {
            TensorSpec boxes = outputs.get(b);
            if (boxes.rank() < 2 || boxes.dim(-1) != 4 || !supported(boxes.type())) continue;
            int rows = boxes.elements() / 4;
            for (int s = 0; s < outputs.size(); s++) {
                TensorSpec scores = outputs.get(s);
                if (s == b || scores.rank() < 2 || !supported(scores.type())) continue;
                if (scores.elements() / scores.dim(-1) == rows && scores.dim(-2) == rows) return new int[] {b, s};
            }
        }
        throw new IllegalArgumentException("model outputs " + outputs + " are not a raw SSD's (box encodings [1, N, 4] and scores"
                + " [1, N, classes], float or 8-bit); a model ending in TFLite_Detection_PostProcess needs that decoder instead");
    }

    @Override
    public void decode(InferenceEngine engine, Detections out, float minScore) {
        out.clear();
        // The caller's threshold as given, also below the spec's min_score: where it is set, ModelSpec.belowScoreFloor warns.
        float threshold = minScore;
        if (threshold != lastThreshold) {
            lastThreshold = threshold;
            rawThreshold = spec.sigmoid() ? logit(threshold) : threshold;
        }
        ByteBuffer scores = engine.output(scoreOutput);
        ByteBuffer boxes = engine.output(boxOutput);
        if (++stamp == 0) {
            Arrays.fill(boxStamp, 0);
            stamp = 1;
        }
        Arrays.fill(candidateCount, 0);
        collectCandidates(scores, threshold);
        topCount = 0;
        for (int c = 0; c < classes; c++) {
            if (candidateCount[c] > 0) suppress(c, boxes);
        }
        for (int i = 0; i < topCount; i++) {
            int b = topAnchor[i] * 4;
            if (!out.add(topClass[i], topScore[i], box[b + 1], box[b], box[b + 3], box[b + 2])) break;
        }
    }

    private void collectCandidates(ByteBuffer scores, float threshold) {
        int background = spec.backgroundClass();
        boolean sigmoid = spec.sigmoid();
        float raw = rawThreshold;
        float[] values = scoreValues;
        if (values != null) {
            if (scores != scoreSource) { // engines hand out the same buffer every call: one view, made once
                scoreSource = scores;
                scoreView = scores.asFloatBuffer();
            }
            scoreView.get(0, values);
        }
        for (int a = 0; a < anchorCount; a++) {
            int row = a * classes;
            for (int c = 0; c < classes; c++) {
                float v = values != null ? values[row + c] : TensorReader.get(scoreSpec, scores, row + c);
                if (!(v >= raw) || c == background) continue;
                float score = sigmoid ? (float) (1.0 / (1.0 + Math.exp(-v))) : v;
                if (score >= threshold) insertCandidate(c, a, score);
            }
        }
    }

    /** Inserts into class c's best-first list, dropping the worst when full. */
    private void insertCandidate(int c, int anchor, float score) {
        int base = c * CANDIDATES_PER_CLASS;
        int n = candidateCount[c];
        if (n == CANDIDATES_PER_CLASS) {
            if (score <= candidateScore[base + n - 1]) return;
            n--;
        }
        int i = n;
        while (i > 0 && candidateScore[base + i - 1] < score) {
            candidateScore[base + i] = candidateScore[base + i - 1];
            candidateAnchor[base + i] = candidateAnchor[base + i - 1];
            i--;
        }
        candidateScore[base + i] = score;
        candidateAnchor[base + i] = anchor;
        candidateCount[c] = n + 1;
    }

    /** Greedy NMS over class c's candidates (best first); survivors go to the overall best list. */
    private void suppress(int c, ByteBuffer boxes) {
        int base = c * CANDIDATES_PER_CLASS;
        int n = candidateCount[c];
        int kept = 0;
        float iouThreshold = spec.iouThreshold();
        for (int i = 0; i < n && kept < maxDetections; i++) {
            int a = candidateAnchor[base + i];
            decodeBox(a, boxes);
            boolean suppressed = false;
            for (int j = 0; j < kept && !suppressed; j++) {
                suppressed = iou(box, a * 4, box, candidateAnchor[base + j] * 4) > iouThreshold;
            }
            if (suppressed) continue;
            candidateAnchor[base + kept] = a;
            candidateScore[base + kept] = candidateScore[base + i];
            kept++;
            insertTop(c, a, candidateScore[base + kept - 1]);
        }
    }

    private void insertTop(int c, int anchor, float score) {
        int n = topCount;
        if (n == maxDetections) {
            if (score <= topScore[n - 1]) return;
            n--;
        }
        int i = n;
        while (i > 0 && topScore[i - 1] < score) {
            topScore[i] = topScore[i - 1];
            topClass[i] = topClass[i - 1];
            topAnchor[i] = topAnchor[i - 1];
            i--;
        }
        topScore[i] = score;
        topClass[i] = c;
        topAnchor[i] = anchor;
        topCount = n + 1;
    }

    /** Decodes anchor a's box into {@link #box} as (ymin, xmin, ymax, xmax), once per call. */
    private void decodeBox(int a, ByteBuffer boxes) {
        if (boxStamp[a] == stamp) return;
        boxStamp[a] = stamp;
        int e = a * 4;
        float ah = anchors.height(a);
        float aw = anchors.width(a);
        float yc = TensorReader.get(boxSpec, boxes, e) / yScale * ah + anchors.yCenter(a);
        float xc = TensorReader.get(boxSpec, boxes, e + 1) / xScale * aw + anchors.xCenter(a);
        float h = (float) Math.exp(TensorReader.get(boxSpec, boxes, e + 2) / hScale) * ah;
        float w = (float) Math.exp(TensorReader.get(boxSpec, boxes, e + 3) / wScale) * aw;
        box[e] = yc - h * 0.5f;
        box[e + 1] = xc - w * 0.5f;
        box[e + 2] = yc + h * 0.5f;
        box[e + 3] = xc + w * 0.5f;
    }

    /** Intersection over union of two (ymin, xmin, ymax, xmax) boxes; 0 when either is empty. */
    static float iou(float[] p, int i, float[] q, int j) {
        float areaP = (p[i + 2] - p[i]) * (p[i + 3] - p[i + 1]);
        float areaQ = (q[j + 2] - q[j]) * (q[j + 3] - q[j + 1]);
        if (areaP <= 0 || areaQ <= 0) return 0f;
        float ih = Math.min(p[i + 2], q[j + 2]) - Math.max(p[i], q[j]);
        float iw = Math.min(p[i + 3], q[j + 3]) - Math.max(p[i + 1], q[j + 1]);
        if (ih <= 0 || iw <= 0) return 0f;
        float inter = ih * iw;
        return inter / (areaP + areaQ - inter);
    }

    /** The logit of a probability: the raw score at which the sigmoid reaches it. */
    static float logit(float p) {
        if (p <= 0f) return Float.NEGATIVE_INFINITY;
        if (p >= 1f) return Float.POSITIVE_INFINITY;
        return (float) Math.log(p / (1.0 - p));
    }

    private static boolean supported(TensorType t) {
        return t == TensorType.FLOAT32 || t == TensorType.FLOAT16 || t == TensorType.UINT8 || t == TensorType.INT8;
    }

    private static TensorSpec readable(TensorSpec t) {
        if (t.type().quantized() && !t.quantized()) {
            throw new IllegalArgumentException("output " + t + " is 8-bit without a quantization scale; vigil cannot read its values");
        }
        return t;
    }
}
