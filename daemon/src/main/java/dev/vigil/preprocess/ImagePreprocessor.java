package dev.vigil.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8SC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * BGR frame in, model input tensor filled: resize (bilinear, whole image or letterboxed), BGR to RGB, and the
 * conversion to the tensor's type and quantization, written straight into the engine's input memory.
 *
 * <p>All OpenCV objects are made once here and reused for every frame; {@link #close()} frees them. For a uint8
 * model whose quantization equals raw pixels (the usual MobileNet case) the colour conversion writes directly into
 * the tensor; otherwise one {@code convertTo} does scale and offset in a single pass.
 */
public final class ImagePreprocessor implements AutoCloseable {

    public enum Resize { STRETCH, LETTERBOX }

    static {
        // OpenCV's own thread pool would split each small resize across cores that XNNPACK's workers are still
        // spinning on right after an invoke; one thread is as fast here and never fights inference for a core.
        org.bytedeco.opencv.global.opencv_core.setNumThreads(Integer.getInteger("vigil.opencv.threads", 1));
    }

    private final int width, height;
    private final Resize mode;
    private final Size size;
    private final Mat resized;       // model-sized BGR
    private final Mat rgb;           // model-sized RGB, 8-bit; wraps the tensor when no conversion is needed
    private final Mat tensor;        // wraps the tensor memory with the tensor's element type (null when rgb is it)
    private final BytePointer tensorMemory;
    private final double alpha, beta;      // uniform conversion: q = pixel * alpha + beta
    private final Mat perChannelAlpha, perChannelBeta, work; // non-uniform normalization (rare), model-sized float
    private final Scalar padding = new Scalar(0.0);
    // Letterbox geometry of the last frame, reused while the frame size does not change.
    private int lastCols = -1, lastRows = -1;
    private Mat roi;
    private Size roiSize;
    private float scaleX = 1f, scaleY = 1f, offsetX = 0f, offsetY = 0f;

    /**
     * @param input  the model's input tensor spec ([1, h, w, 3], uint8/int8/float32)
     * @param target the engine's input buffer (direct, exactly the tensor's bytes)
     * @param norm   normalization to real values; null means the default for the type (see {@link #defaultFor})
     */
    public ImagePreprocessor(TensorSpec input, ByteBuffer target, Normalization norm, Resize mode) {
        if (input.rank() != 4 || input.dim(3) != 3)
            throw new IllegalArgumentException("model input " + input + " is not an image tensor [1, height, width, 3]");
        this.height = input.dim(1);
        this.width = input.dim(2);
        this.mode = mode;
        TensorType type = input.type();
        if (type != TensorType.UINT8 && type != TensorType.INT8 && type != TensorType.FLOAT32)
            throw new IllegalArgumentException("model input type " + type + " is not supported (uint8, int8 or float32)");
        long need = (long) width * height * 3 * type.bytes();
        if (target.capacity() < need) throw new IllegalArgumentException("input buffer has " + target.capacity() + " bytes, need " + need);
        Normalization n = norm != null ? norm : defaultFor(input);
        // real = (pixel - mean) / std ; q = real / scale + zp  =>  q = pixel * a + b
        double s = input.quantized() ? input.scale() : 1.0;
        double zp = input.quantized() ? input.zeroPoint() : 0.0;
        if (n.uniform()) {
            alpha = 1.0 / (n.std(0) * s);
            beta = zp - n.mean(0) / (n.std(0) * s);
            perChannelAlpha = perChannelBeta = null;
        } else {
            alpha = 1.0;
            beta = 0.0;
            try (Scalar a = new Scalar(1.0 / (n.std(0) * s), 1.0 / (n.std(1) * s), 1.0 / (n.std(2) * s), 0.0);
                 Scalar b = new Scalar(zp - n.mean(0) / (n.std(0) * s), zp - n.mean(1) / (n.std(1) * s),
                         zp - n.mean(2) / (n.std(2) * s), 0.0)) {
                perChannelAlpha = new Mat(input.dim(1), input.dim(2), CV_32FC3, a);
                perChannelBeta = new Mat(input.dim(1), input.dim(2), CV_32FC3, b);
            }
        }
        work = perChannelAlpha == null ? null : new Mat(input.dim(1), input.dim(2), CV_32FC3);
        size = new Size(width, height);
        resized = new Mat(height, width, CV_8UC3);
        tensorMemory = new BytePointer(target);
        boolean identity = type == TensorType.UINT8 && perChannelAlpha == null
                && Math.abs(alpha - 1.0) < 0.01 && Math.abs(beta) < 0.5;
        if (identity) {
            rgb = new Mat(height, width, CV_8UC3, tensorMemory);
            tensor = null;
        } else {
            rgb = new Mat(height, width, CV_8UC3);
            int cvType = switch (type) {
                case UINT8 -> CV_8UC3;
                case INT8 -> CV_8SC3;
                default -> CV_32FC3;
            };
            tensor = new Mat(height, width, cvType, tensorMemory);
        }
    }

    /**
     * Default when neither metadata nor catalog says: uint8 takes raw pixels, int8 takes pixels - 128 (both expressed
     * through the tensor's own quantization), float32 takes MobileNet's [-1, 1].
     */
    public static Normalization defaultFor(TensorSpec input) {
        if (input.type() == TensorType.UINT8 && !input.quantized()) return Normalization.of(0f, 1f);
        if (input.type() == TensorType.INT8 && !input.quantized()) return Normalization.of(128f, 1f);
        if (input.quantized()) {
            // Choose mean/std so that pixel 0..255 maps onto the tensor's integer range one to one.
            double s = input.scale();
            int zp = input.zeroPoint();
            int qmin = input.type() == TensorType.UINT8 ? 0 : -128;
            float std = (float) (1.0 / s);
            float mean = (float) ((zp - qmin) * 1.0);
            return Normalization.of(mean, std);
        }
        return Normalization.MINUS_ONE_TO_ONE;
    }

    /** A region of every frame, as fractions of its width and height, or null for the whole frame. */
    private double[] region;
    /** A header over the frame's pixels, moved onto the region frame after frame: no copy, no native allocation. */
    private Mat regionView;

    /**
     * Only the region (x, y, w, h as fractions of the frame) goes into the tensor, at the tensor's full resolution:
     * a QC camera's fixed part, where a crop of the tensor would keep only a few of its pixels. For classifiers: a
     * detector's boxes would be relative to the region.
     */
    public void region(double x, double y, double w, double h) {
        if (!(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1.0000001 && y + h <= 1.0000001))
            throw new IllegalArgumentException("region " + x + "," + y + "," + w + "," + h + " is not within the frame (fractions 0..1)");
        region = new double[] {x, y, w, h};
        if (regionView == null) regionView = new Mat();
    }

    /** Fills the tensor from a BGR 8-bit 3-channel frame (any size). Allocates nothing in steady state. */
    public void process(Mat bgr) {
        if (bgr.channels() != 3) throw new IllegalArgumentException("frame has " + bgr.channels() + " channels, need 3 (BGR)");
        if (region != null) {
            try {
                fill(regionOf(bgr));
            } finally {
                regionView.release(); // the frame's pixels are not held past this call
            }
        } else fill(bgr);
    }

    private Mat regionOf(Mat bgr) {
        int w = bgr.cols(), h = bgr.rows();
        int x0 = (int) Math.min(w - 1, Math.round(region[0] * w)), y0 = (int) Math.min(h - 1, Math.round(region[1] * h));
        int x1 = (int) Math.max(x0 + 1, Math.min(w, Math.round((region[0] + region[2]) * w)));
        int y1 = (int) Math.max(y0 + 1, Math.min(h, Math.round((region[1] + region[3]) * h)));
        regionView.put(bgr);
        regionView.adjustROI(-y0, -(h - y1), -x0, -(w - x1));
        return regionView;
    }

    private void fill(Mat bgr) {
        if (mode == Resize.LETTERBOX) {
            letterbox(bgr);
        } else {
            resize(bgr, resized, size, 0, 0, INTER_LINEAR);
        }
        cvtColor(resized, rgb, COLOR_BGR2RGB);
        if (tensor != null) {
            if (perChannelAlpha == null) {
                rgb.convertTo(tensor, tensor.type(), alpha, beta);
            } else {
                rgb.convertTo(work, CV_32FC3, 1.0, 0.0);
                org.bytedeco.opencv.global.opencv_core.multiply(work, perChannelAlpha, work);
                org.bytedeco.opencv.global.opencv_core.add(work, perChannelBeta, work);
                work.convertTo(tensor, tensor.type(), 1.0, 0.0);
            }
        }
    }

    private void letterbox(Mat bgr) {
        if (bgr.cols() != lastCols || bgr.rows() != lastRows) {
            lastCols = bgr.cols();
            lastRows = bgr.rows();
            double r = Math.min((double) width / lastCols, (double) height / lastRows);
            int w = Math.max(1, (int) Math.round(lastCols * r)), h = Math.max(1, (int) Math.round(lastRows * r));
            int x = (width - w) / 2, y = (height - h) / 2;
            if (roi != null) roi.close();
            if (roiSize != null) roiSize.close();
            try (Rect rect = new Rect(x, y, w, h)) {
                roi = new Mat(resized, rect);
            }
            roiSize = new Size(w, h);
            scaleX = (float) width / w;
            scaleY = (float) height / h;
            offsetX = (float) x / width;
            offsetY = (float) y / height;
            resized.put(padding);
        }
        resize(bgr, roi, roiSize, 0, 0, INTER_LINEAR);
    }

    /** Box transform from model coordinates to the original frame (identity unless letterboxed). */
    public float scaleX() { return scaleX; }

    public float scaleY() { return scaleY; }

    public float offsetX() { return offsetX; }

    public float offsetY() { return offsetY; }

    public boolean letterboxed() { return mode == Resize.LETTERBOX; }

    public int width() { return width; }

    public int height() { return height; }

    @Override
    public void close() {
        if (roi != null) roi.close();
        if (roiSize != null) roiSize.close();
        if (regionView != null) regionView.close();
        if (tensor != null) tensor.close();
        rgb.close();
        resized.close();
        size.close();
        padding.close();
        if (perChannelAlpha != null) { perChannelAlpha.close(); perChannelBeta.close(); work.close(); }
        tensorMemory.setNull(); // a view over engine memory: the engine frees it
    }
}
