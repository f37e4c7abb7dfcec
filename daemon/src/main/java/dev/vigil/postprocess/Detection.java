package dev.vigil.postprocess;

/** One detected object: label, class index, score and box (xmin, ymin, xmax, ymax) normalized to 0..1. */
public record Detection(String label, int index, float score, float[] box) {

    public float area() { return Math.max(0f, box[2] - box[0]) * Math.max(0f, box[3] - box[1]); }
}
