package dev.vigil.learn;

import java.util.Locale;

/**
 * A fixed region of the frame (a QC camera's part), as fractions of the frame's width and height so one setting fits
 * every resolution the camera may give.
 */
public record Roi(double x, double y, double w, double h) {

    public Roi {
        if (!(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1.0000001 && y + h <= 1.0000001))
            throw new IllegalArgumentException("roi " + text(x, y, w, h) + ": give x,y,w,h as fractions of the frame, within 0..1 (e.g. 0.25,0.25,0.5,0.5)");
    }

    /** Makes {@code p} put only this region of each frame into the tensor (at the tensor's full resolution). */
    public void applyTo(dev.vigil.preprocess.ImagePreprocessor p) { p.region(x, y, w, h); }

    /** "x,y,w,h", e.g. {@code 0.25,0.1,0.5,0.8}; a bad value is one line naming it. */
    public static Roi parse(String s) {
        String[] p = s.split(",");
        if (p.length != 4) throw new IllegalArgumentException("roi " + s + ": give four numbers x,y,w,h (fractions of the frame, e.g. 0.25,0.25,0.5,0.5)");
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(p[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("roi " + s + ": " + p[i].strip() + " is not a number; give x,y,w,h as fractions of the frame");
            }
        }
        return new Roi(v[0], v[1], v[2], v[3]);
    }

    @Override
    public String toString() { return text(x, y, w, h); }

    private static String text(double x, double y, double w, double h) {
        return String.format(Locale.ROOT, "%s,%s,%s,%s", x, y, w, h);
    }
}
