package dev.vigil.postprocess;

/**
 * One detected object: label, class index, score and box (xmin, ymin, xmax, ymax) normalized to 0..1.
 *
 * @param sub what a second-stage classifier named the box's crop, or null (no second stage, or it did not name it)
 */
public record Detection(String label, int index, float score, float[] box, SubLabel sub) {

    public Detection(String label, int index, float score, float[] box) { this(label, index, score, box, null); }

    public float area() { return Math.max(0f, box[2] - box[0]) * Math.max(0f, box[3] - box[1]); }

    /** The same detection with {@code s} as its sub-label. */
    public Detection withSub(SubLabel s) { return new Detection(label, index, score, box, s); }
}
