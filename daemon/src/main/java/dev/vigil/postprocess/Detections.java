package dev.vigil.postprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Detections of one frame, in a buffer allocated once and refilled per frame (the hot path allocates nothing).
 * Boxes are normalized to 0..1 of the original image as (xmin, ymin, xmax, ymax). Class indices are the model's
 * class ids as the label list indexes them.
 */
public final class Detections {

    private final int[] classes;
    private final float[] scores;
    private final float[] boxes;
    private int count;

    public Detections(int capacity) {
        classes = new int[capacity];
        scores = new float[capacity];
        boxes = new float[capacity * 4];
    }

    public void clear() { count = 0; }

    public int count() { return count; }

    public int capacity() { return classes.length; }

    /** Adds one detection; returns false (and adds nothing) when the buffer is full. Coordinates are clamped to 0..1. */
    public boolean add(int classIndex, float score, float xmin, float ymin, float xmax, float ymax) {
        if (count == classes.length) return false;
        classes[count] = classIndex;
        scores[count] = score;
        int b = count * 4;
        boxes[b] = clamp(xmin);
        boxes[b + 1] = clamp(ymin);
        boxes[b + 2] = clamp(xmax);
        boxes[b + 3] = clamp(ymax);
        count++;
        return true;
    }

    private static float clamp(float v) { return v < 0f ? 0f : Math.min(v, 1f); }

    public int classIndex(int i) { return classes[i]; }

    public float score(int i) { return scores[i]; }

    public float xmin(int i) { return boxes[i * 4]; }

    public float ymin(int i) { return boxes[i * 4 + 1]; }

    public float xmax(int i) { return boxes[i * 4 + 2]; }

    public float ymax(int i) { return boxes[i * 4 + 3]; }

    /** Maps boxes in place, e.g. from letterboxed model coordinates back to the original image. */
    public void transformBoxes(float scaleX, float offsetX, float scaleY, float offsetY) {
        for (int i = 0; i < count; i++) {
            int b = i * 4;
            boxes[b] = clamp((boxes[b] - offsetX) * scaleX);
            boxes[b + 1] = clamp((boxes[b + 1] - offsetY) * scaleY);
            boxes[b + 2] = clamp((boxes[b + 2] - offsetX) * scaleX);
            boxes[b + 3] = clamp((boxes[b + 3] - offsetY) * scaleY);
        }
    }

    /** Sorts by descending score (insertion sort: counts are small, and it allocates nothing). */
    public void sortByScore() {
        for (int i = 1; i < count; i++) {
            for (int j = i; j > 0 && scores[j] > scores[j - 1]; j--) swap(j, j - 1);
        }
    }

    private void swap(int a, int b) {
        int c = classes[a]; classes[a] = classes[b]; classes[b] = c;
        float s = scores[a]; scores[a] = scores[b]; scores[b] = s;
        for (int k = 0; k < 4; k++) {
            float t = boxes[a * 4 + k]; boxes[a * 4 + k] = boxes[b * 4 + k]; boxes[b * 4 + k] = t;
        }
    }

    /** Value copies for output and rules (allocates; not for the per-frame hot path of benchmarks). */
    public List<Detection> toList(IntFunction<String> label) {
        List<Detection> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Detection(label.apply(classes[i]), classes[i], scores[i],
                    new float[] {xmin(i), ymin(i), xmax(i), ymax(i)}));
        }
        return out;
    }
}
