package dev.vigil.rules;

/** A polygon in normalized image coordinates (0..1), for zones and masks. */
public record Polygon(String name, float[] xs, float[] ys) {

    public Polygon {
        if (xs.length != ys.length || xs.length < 3) throw new IllegalArgumentException("a polygon needs at least 3 points");
    }

    /** Even-odd rule point-in-polygon test. */
    public boolean contains(float x, float y) {
        boolean in = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) in = !in;
        }
        return in;
    }
}
