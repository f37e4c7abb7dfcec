package dev.vigil.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Small JPEGs of the worst misses, base64 for a data: URL, with the boxes drawn on them. */
final class Thumbnails {

    static final int LONG_SIDE = 200;

    private Thumbnails() {}

    /** A box to draw, in pixels of the original image; green for ground truth, red for detections. */
    record Mark(Box box, boolean truth) {}

    /** The image scaled so its long side is {@link #LONG_SIDE}, as {@code data:image/jpeg;base64,...}; null when it cannot be read. */
    static String dataUrl(Path file, List<Mark> marks) {
        try (Mat img = imread(file.toString(), IMREAD_COLOR)) {
            if (img == null || img.empty()) return null;
            double f = (double) LONG_SIDE / Math.max(img.cols(), img.rows());
            try (Mat small = new Mat(); Size size = new Size(Math.max(1, (int) Math.round(img.cols() * f)), Math.max(1, (int) Math.round(img.rows() * f)))) {
                resize(img, small, size, 0, 0, INTER_AREA);
                for (Mark m : marks) {
                    Box b = m.box();
                    try (Point p0 = new Point((int) (b.x() * f), (int) (b.y() * f));
                         Point p1 = new Point((int) ((b.x() + b.w()) * f), (int) ((b.y() + b.h()) * f));
                         Scalar c = m.truth() ? new Scalar(60, 200, 60, 0) : new Scalar(40, 40, 230, 0)) {
                        rectangle(small, p0, p1, c, m.truth() ? 2 : 1, 8, 0);
                    }
                }
                try (BytePointer buf = new BytePointer()) {
                    if (!imencode(".jpg", small, buf)) return null;
                    byte[] bytes = new byte[(int) buf.limit()];
                    buf.get(bytes);
                    return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(bytes);
                }
            }
        }
    }
}
