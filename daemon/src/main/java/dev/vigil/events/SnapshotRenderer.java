package dev.vigil.events;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.vigil.postprocess.Detection;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws every detection's box and label on a copy of the frame, the one that fired in red and thicker, and encodes it
 * as JPEG. The caller's frame is never drawn on: it may still be in use by other stages. Owns its native buffers;
 * serialized, since several cameras' threads may record at once (events are rare, the lock is not contended).
 */
public final class SnapshotRenderer implements AutoCloseable {

    static final int JPEG_QUALITY = 85;

    private final Mat canvas = new Mat();
    private final Scalar fired = new Scalar(0, 0, 255, 0);     // BGR red
    private final Scalar other = new Scalar(0, 215, 255, 0);   // BGR amber
    private final Scalar ink = new Scalar(0, 0, 0, 0);
    private final IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, JPEG_QUALITY);
    private final int[] baseline = new int[1];
    private boolean closed;

    /** The annotated JPEG, or null when the frame is empty or cannot be encoded. */
    public synchronized byte[] render(Mat frame, List<Detection> detections, Detection highlight) {
        if (closed) throw new IllegalStateException("snapshot renderer closed");
        if (frame == null || frame.empty()) return null;
        frame.copyTo(canvas);
        int w = canvas.cols(), h = canvas.rows();
        int thin = Math.max(1, Math.round(Math.min(w, h) / 320f));
        double fontScale = Math.max(0.4, Math.min(w, h) / 720.0);
        boolean highlightDrawn = false;
        for (Detection d : detections) {
            if (isHighlight(d, highlight)) continue;
            draw(d, other, thin, fontScale, w, h);
        }
        if (highlight != null) {
            for (Detection d : detections) {
                if (isHighlight(d, highlight)) { draw(d, fired, thin * 2, fontScale, w, h); highlightDrawn = true; break; }
            }
            if (!highlightDrawn) draw(highlight, fired, thin * 2, fontScale, w, h);
        }
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(".jpg", canvas, buf, params)) return null;
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    private static boolean isHighlight(Detection d, Detection highlight) {
        return highlight != null && (d == highlight
                || (d.index() == highlight.index() && d.score() == highlight.score() && Arrays.equals(d.box(), highlight.box())));
    }

    private void draw(Detection d, Scalar color, int thickness, double fontScale, int w, int h) {
        float[] b = d.box();
        int x1 = px(b[0], w), y1 = px(b[1], h), x2 = px(b[2], w), y2 = px(b[3], h);
        try (Point p1 = new Point(x1, y1); Point p2 = new Point(x2, y2)) {
            rectangle(canvas, p1, p2, color, thickness, LINE_8, 0);
        }
        String text = d.sub() == null ? String.format(Locale.ROOT, "%s %.2f", d.label(), d.score())
                : String.format(Locale.ROOT, "%s %.2f: %s %.2f", d.label(), d.score(), firstName(d.sub().name()), d.sub().score());
        int textThickness = Math.max(1, thickness / 2);
        try (Size size = getTextSize(text, FONT_HERSHEY_SIMPLEX, fontScale, textThickness, baseline)) {
            int tw = size.width(), th = size.height() + baseline[0];
            // Above the box when there is room, else just inside its top edge.
            int top = y1 - th - thickness >= 0 ? y1 - th - thickness : y1;
            try (Point bg1 = new Point(x1, top); Point bg2 = new Point(Math.min(w - 1, x1 + tw + 4), top + th + thickness);
                 Point org = new Point(x1 + 2, top + size.height() + thickness / 2)) {
                rectangle(canvas, bg1, bg2, color, -1, LINE_8, 0);
                putText(canvas, text, org, FONT_HERSHEY_SIMPLEX, fontScale, ink, textThickness, LINE_AA, false);
            }
        }
    }

    /** The first of an ImageNet-style label's comma-separated names: the snapshot's text stays short. */
    private static String firstName(String label) {
        int comma = label.indexOf(',');
        return comma < 0 ? label : label.substring(0, comma);
    }

    private static int px(float v, int extent) {
        return Math.clamp(Math.round(v * extent), 0, extent - 1);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        canvas.close();
        fired.close();
        other.close();
        ink.close();
        params.close();
    }
}
