package dev.vigil.learn;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.fillConvexPoly;
import static org.bytedeco.opencv.global.opencv_imgproc.line;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Factory-like photos of washers made with OpenCV: a metal ring on a belt at a random position and rotation, under
 * varying light (level and a gradient across the frame) with sensor noise; a defect is a notch cut into the outer
 * rim or a dark scratch across the ring. Made in the test, nothing stored.
 */
public final class Washers {

    public enum Part { OK, NOTCH, SCRATCH;
        String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private Washers() {}

    public static Mat photo(Part part, Random rnd) {
        int w = 320, h = 240;
        double belt = 70 + rnd.nextInt(30);
        Mat m = new Mat(h, w, CV_8UC3, new Scalar(belt, belt + 5, belt + 10, 0));
        int cx = w / 2 + rnd.nextInt(61) - 30, cy = h / 2 + rnd.nextInt(41) - 20;
        int outer = 78 + rnd.nextInt(9), inner = 32 + rnd.nextInt(7);
        double metal = 185 + rnd.nextInt(40);
        circle(m, new Point(cx, cy), outer, new Scalar(metal, metal, metal - 10, 0), FILLED, LINE_AA, 0);
        circle(m, new Point(cx, cy), inner, new Scalar(belt, belt + 5, belt + 10, 0), FILLED, LINE_AA, 0);
        double angle = rnd.nextDouble() * 2 * Math.PI;
        if (part == Part.NOTCH) {
            // A square bite out of the rim, over half the ring's width deep.
            double depth = (outer - inner) * (0.6 + 0.2 * rnd.nextDouble()), half = 16 + rnd.nextInt(5);
            double ux = Math.cos(angle), uy = Math.sin(angle), vx = -uy, vy = ux;
            double r0 = outer - depth, r1 = outer + 4;
            int[] xy = {
                    (int) (cx + ux * r0 + vx * half), (int) (cy + uy * r0 + vy * half),
                    (int) (cx + ux * r1 + vx * half), (int) (cy + uy * r1 + vy * half),
                    (int) (cx + ux * r1 - vx * half), (int) (cy + uy * r1 - vy * half),
                    (int) (cx + ux * r0 - vx * half), (int) (cy + uy * r0 - vy * half)};
            try (Point pts = new Point(4)) {
                for (int i = 0; i < 4; i++) pts.position(i).x(xy[2 * i]).y(xy[2 * i + 1]);
                pts.position(0);
                fillConvexPoly(m, pts, 4, new Scalar(belt, belt + 5, belt + 10, 0), LINE_AA, 0);
            }
        } else if (part == Part.SCRATCH) {
            double r = (outer + inner) / 2.0, len = 55 + rnd.nextInt(20), t = angle + Math.PI / 2;
            double px = cx + Math.cos(angle) * r, py = cy + Math.sin(angle) * r;
            line(m, new Point((int) (px - Math.cos(t) * len / 2), (int) (py - Math.sin(t) * len / 2)),
                    new Point((int) (px + Math.cos(t) * len / 2), (int) (py + Math.sin(t) * len / 2)),
                    new Scalar(40, 40, 45, 0), 2 + rnd.nextInt(2), LINE_AA, 0);
        }
        light(m, rnd);
        return m;
    }

    /** Light level 0.7..1.3, a gradient of up to 30% across the frame, gaussian noise of sigma 6. */
    private static void light(Mat m, Random rnd) {
        double level = 0.7 + 0.6 * rnd.nextDouble(), gx = (rnd.nextDouble() - 0.5) * 0.6 / m.cols(), gy = (rnd.nextDouble() - 0.5) * 0.6 / m.rows();
        try (UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < m.rows(); y++)
                for (int x = 0; x < m.cols(); x++) {
                    double f = level * (1 + gx * (x - m.cols() / 2.0) + gy * (y - m.rows() / 2.0));
                    for (int c = 0; c < 3; c++) {
                        double v = ix.get(y, x, c) * f + rnd.nextGaussian() * 6;
                        ix.put(y, x, c, (int) Math.max(0, Math.min(255, Math.round(v))));
                    }
                }
        }
    }

    /** {@code n} photos of each part as an image folder per class under {@code dir}. */
    public static Path folder(Path dir, int n, long seed, Part... parts) throws IOException {
        Random rnd = new Random(seed);
        for (Part p : parts) {
            Path d = Files.createDirectories(dir.resolve(p.label()));
            for (int i = 0; i < n; i++) {
                try (Mat m = photo(p, rnd)) {
                    imwrite(d.resolve(String.format(java.util.Locale.ROOT, "%s-%d-%03d.png", p.label(), seed, i)).toString(), m);
                }
            }
        }
        return dir;
    }
}
