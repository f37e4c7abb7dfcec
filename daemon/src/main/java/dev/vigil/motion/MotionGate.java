package dev.vigil.motion;

import dev.vigil.config.MotionConfig;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The energy saver: frames in which nothing moved skip inference. Compares a small, blurred grey copy of each frame
 * with the previous one; motion is a share of pixels changed by more than {@code threshold} grey levels of at least
 * {@code minArea}. All Mats are allocated on the first frame (or a frame size change) and reused.
 */
public final class MotionGate implements AutoCloseable {

    private final int threshold;
    private final double minArea;
    private final int scaleWidth;
    private Mat small, grey, previous, diff;
    private Size size, blur;
    private int cols = -1, rows = -1;
    private double lastChanged;

    /** A gate with the camera's motion settings (checked by {@link MotionConfig} when they were read). */
    public MotionGate(MotionConfig config) {
        this.threshold = config.threshold();
        this.minArea = config.minArea();
        this.scaleWidth = config.scaleWidth();
    }

    /**
     * @param threshold  grey-level difference that counts as change (1..255)
     * @param minArea    share of the frame that must change (0..1)
     * @param scaleWidth width of the compared copy (aspect kept); small is cheap and ignores sensor noise
     */
    public MotionGate(int threshold, double minArea, int scaleWidth) {
        this(new MotionConfig(true, threshold, (float) minArea, scaleWidth));
    }

    /** True when the frame differs enough from the previous one (the first frame always does). */
    public boolean moved(Mat bgr) {
        boolean first = bgr.cols() != cols || bgr.rows() != rows;
        if (first) allocate(bgr.cols(), bgr.rows());
        resize(bgr, small, size, 0, 0, INTER_AREA);
        cvtColor(small, grey, COLOR_BGR2GRAY);
        GaussianBlur(grey, grey, blur, 0);
        if (first) {
            grey.copyTo(previous);
            lastChanged = 1;
            return true;
        }
        absdiff(grey, previous, diff);
        threshold(diff, diff, threshold, 255, THRESH_BINARY);
        lastChanged = (double) countNonZero(diff) / (diff.rows() * (double) diff.cols());
        Mat t = previous; // swap: the current frame becomes the reference
        previous = grey;
        grey = t;
        return lastChanged >= minArea;
    }

    /** Share of pixels that changed in the last comparison (for logs and tests). */
    public double lastChanged() { return lastChanged; }

    private void allocate(int c, int r) {
        close();
        cols = c;
        rows = r;
        int w = Math.min(scaleWidth, c);
        int h = Math.max(1, (int) Math.round((double) r * w / c));
        size = new Size(w, h);
        blur = new Size(5, 5);
        small = new Mat();
        grey = new Mat();
        previous = new Mat();
        diff = new Mat();
    }

    @Override
    public void close() {
        for (Mat m : new Mat[] {small, grey, previous, diff}) if (m != null) m.close();
        if (size != null) size.close();
        if (blur != null) blur.close();
        small = grey = previous = diff = null;
        size = blur = null;
        cols = rows = -1;
    }
}
