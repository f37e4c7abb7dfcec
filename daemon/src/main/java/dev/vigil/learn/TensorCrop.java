package dev.vigil.learn;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Applies a region of interest to an image tensor in place: the region of the preprocessed frame, resized back to the
 * tensor's size. Done on the tensor, not the frame, so the learned model is an engine like any other (everything that
 * preprocesses a whole frame for it works unchanged) and learning and inference crop exactly alike. The price: the
 * region is cut from the 224-pixel frame, so a small region loses detail a crop of the full frame would keep.
 */
final class TensorCrop implements AutoCloseable {

    private final BytePointer memory; // held: the Mat below points into it
    private final Mat tensor, scratch;
    private final Mat region;
    private final Size size;

    TensorCrop(TensorSpec input, ByteBuffer buffer, Roi roi) {
        int h = input.dim(1), w = input.dim(2);
        int type = input.type() == TensorType.FLOAT32 ? opencv_core.CV_32FC3 : opencv_core.CV_8UC3;
        memory = new BytePointer(buffer);
        tensor = new Mat(h, w, type, memory);
        scratch = new Mat(h, w, type);
        int x0 = (int) Math.round(roi.x() * w), y0 = (int) Math.round(roi.y() * h);
        int x1 = Math.min(w, Math.max(x0 + 1, (int) Math.round((roi.x() + roi.w()) * w)));
        int y1 = Math.min(h, Math.max(y0 + 1, (int) Math.round((roi.y() + roi.h()) * h)));
        try (Rect r = new Rect(x0, y0, x1 - x0, y1 - y0)) {
            region = tensor.apply(r);
        }
        size = new Size(w, h);
    }

    void apply() {
        resize(region, scratch, size, 0, 0, INTER_LINEAR);
        scratch.copyTo(tensor);
    }

    @Override
    public void close() {
        region.close();
        scratch.close();
        tensor.close();
        size.close();
        memory.close();
    }
}
