package dev.vigil.postprocess;

import java.util.ArrayList;
import java.util.List;

/**
 * The SSD anchor boxes of a raw-output detector, normalized to 0..1 (centre, height, width).
 *
 * <p>The layout is MediaPipe's SsdAnchorsCalculator (the one the TF Object Detection API's
 * multiple_grid_anchor_generator gives for SSD MobileNet): per layer (consecutive layers with one stride share
 * one grid), per cell row by row (y, then x), per anchor. A layer's scale runs linearly from min_scale to
 * max_scale; the lowest layer, when reduced, has (aspect 1, scale 0.1), (2, scale), (0.5, scale); other layers
 * have every aspect ratio at the layer's scale plus, with interpolated_scale_aspect_ratio &gt; 0, that aspect at
 * sqrt(scale * next scale) (next scale 1 after the last layer). An anchor's h = scale / sqrt(aspect),
 * w = scale * sqrt(aspect), centre ((x + 0.5) / width, (y + 0.5) / height) of its grid.
 */
public final class SsdAnchors {

    private final float[] yCenter;
    private final float[] xCenter;
    private final float[] height;
    private final float[] width;

    private SsdAnchors(float[] yCenter, float[] xCenter, float[] height, float[] width) {
        this.yCenter = yCenter;
        this.xCenter = xCenter;
        this.height = height;
        this.width = width;
    }

    public static SsdAnchors generate(SsdSpec spec) {
        List<float[]> anchors = new ArrayList<>();
        List<Integer> strides = spec.strides();
        int layer = 0;
        while (layer < spec.numLayers()) {
            List<Float> aspects = new ArrayList<>();
            List<Float> scales = new ArrayList<>();
            int last = layer;
            while (last < strides.size() && strides.get(last).equals(strides.get(layer))) {
                float scale = scale(spec, last);
                if (last == 0 && spec.reduceBoxesInLowestLayer()) {
                    aspects.addAll(List.of(1f, 2f, 0.5f));
                    scales.addAll(List.of(0.1f, scale, scale));
                } else {
                    for (float aspect : spec.aspectRatios()) {
                        aspects.add(aspect);
                        scales.add(scale);
                    }
                    if (spec.interpolatedScaleAspectRatio() > 0) {
                        float next = last == strides.size() - 1 ? 1f : scale(spec, last + 1);
                        scales.add((float) Math.sqrt(scale * next));
                        aspects.add(spec.interpolatedScaleAspectRatio());
                    }
                }
                last++;
            }
            int side = (int) Math.ceil((double) spec.inputSize() / strides.get(layer));
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    for (int k = 0; k < aspects.size(); k++) {
                        float ratio = (float) Math.sqrt(aspects.get(k));
                        anchors.add(new float[] {(y + 0.5f) / side, (x + 0.5f) / side, scales.get(k) / ratio, scales.get(k) * ratio});
                    }
                }
            }
            layer = last;
        }
        int n = anchors.size();
        float[] yc = new float[n], xc = new float[n], h = new float[n], w = new float[n];
        for (int i = 0; i < n; i++) {
            float[] a = anchors.get(i);
            yc[i] = a[0];
            xc[i] = a[1];
            h[i] = a[2];
            w[i] = a[3];
        }
        return new SsdAnchors(yc, xc, h, w);
    }

    /** Linear from min_scale (layer 0) to max_scale (last layer); the middle when there is one layer. */
    static float scale(SsdSpec spec, int layer) {
        int n = spec.strides().size();
        if (n == 1) return (spec.minScale() + spec.maxScale()) * 0.5f;
        return (float) (spec.minScale() + (spec.maxScale() - spec.minScale()) * 1.0 * layer / (n - 1.0f));
    }

    public int count() { return yCenter.length; }

    public float yCenter(int i) { return yCenter[i]; }

    public float xCenter(int i) { return xCenter[i]; }

    public float height(int i) { return height[i]; }

    public float width(int i) { return width[i]; }
}
