package dev.vigil.preprocess;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    static ByteBuffer buffer(TensorSpec s) {
        return ByteBuffer.allocateDirect(s.elements() * s.type().bytes()).order(ByteOrder.nativeOrder());
    }

    /** A uniform BGR frame (b, g, r). */
    static Mat frame(int w, int h, int b, int g, int r) {
        return new Mat(h, w, CV_8UC3, new Scalar(b, g, r, 0));
    }

    @Test
    void uint8ModelGetsRgbPixelsUnchanged() {
        TensorSpec in = new TensorSpec("in", TensorType.UINT8, new int[] {1, 4, 4, 3}, 0.0078125f, 128);
        ByteBuffer buf = buffer(in);
        try (ImagePreprocessor p = new ImagePreprocessor(in, buf, null, ImagePreprocessor.Resize.STRETCH);
             Mat f = frame(640, 480, 10, 20, 200)) {
            p.process(f);
        }
        assertEquals(200, buf.get(0) & 0xff); // R first
        assertEquals(20, buf.get(1) & 0xff);
        assertEquals(10, buf.get(2) & 0xff);
        assertEquals(200, buf.get(3 * 15) & 0xff);
    }

    @Test
    void floatModelGetsMinusOneToOne() {
        TensorSpec in = new TensorSpec("in", TensorType.FLOAT32, new int[] {1, 2, 2, 3}, 0f, 0);
        ByteBuffer buf = buffer(in);
        try (ImagePreprocessor p = new ImagePreprocessor(in, buf, null, ImagePreprocessor.Resize.STRETCH);
             Mat f = frame(8, 8, 0, 255, 127)) {
            p.process(f);
        }
        assertEquals((127 - 127.5f) / 127.5f, buf.getFloat(0), 1e-5);
        assertEquals(1f, buf.getFloat(4), 1e-5);
        assertEquals(-1f, buf.getFloat(8), 1e-5);
    }

    @Test
    void int8ModelGetsPixelMinus128ThroughItsQuantization() {
        TensorSpec in = new TensorSpec("in", TensorType.INT8, new int[] {1, 2, 2, 3}, 1f / 255f, -128);
        ByteBuffer buf = buffer(in);
        try (ImagePreprocessor p = new ImagePreprocessor(in, buf, null, ImagePreprocessor.Resize.STRETCH);
             Mat f = frame(8, 8, 0, 128, 255)) {
            p.process(f);
        }
        assertEquals(127, buf.get(0));
        assertEquals(0, buf.get(1));
        assertEquals(-128, buf.get(2));
    }

    @Test
    void explicitPerChannelNormalization() {
        TensorSpec in = new TensorSpec("in", TensorType.FLOAT32, new int[] {1, 2, 2, 3}, 0f, 0);
        ByteBuffer buf = buffer(in);
        Normalization n = new Normalization(new float[] {100, 0, 50}, new float[] {2, 1, 10});
        try (ImagePreprocessor p = new ImagePreprocessor(in, buf, n, ImagePreprocessor.Resize.STRETCH);
             Mat f = frame(4, 4, 150, 20, 120)) {
            p.process(f);
        }
        assertEquals((120 - 100) / 2f, buf.getFloat(0), 1e-4);
        assertEquals(20f, buf.getFloat(4), 1e-4);
        assertEquals(10f, buf.getFloat(8), 1e-4);
    }

    @Test
    void letterboxPadsAndMapsBoxesBack() {
        TensorSpec in = new TensorSpec("in", TensorType.UINT8, new int[] {1, 100, 100, 3}, 0f, 0);
        ByteBuffer buf = buffer(in);
        try (ImagePreprocessor p = new ImagePreprocessor(in, buf, null, ImagePreprocessor.Resize.LETTERBOX);
             Mat f = frame(200, 100, 255, 255, 255)) {
            p.process(f);
            // 200x100 into 100x100: content 100x50 centred vertically, rows 0..24 and 75..99 padded black.
            assertEquals(0, buf.get(0) & 0xff);
            assertEquals(255, buf.get((50 * 100 + 50) * 3) & 0xff);
            assertEquals(0, buf.get((99 * 100 + 50) * 3) & 0xff);
            assertEquals(0.25f, p.offsetY(), 1e-6);
            assertEquals(2f, p.scaleY(), 1e-6);
            assertEquals(1f, p.scaleX(), 1e-6);
            dev.vigil.postprocess.Detections d = new dev.vigil.postprocess.Detections(1);
            d.add(0, 1f, 0.1f, 0.25f, 0.9f, 0.75f);
            d.transformBoxes(p.scaleX(), p.offsetX(), p.scaleY(), p.offsetY());
            assertEquals(0f, d.ymin(0), 1e-6);
            assertEquals(1f, d.ymax(0), 1e-6);
            assertEquals(0.1f, d.xmin(0), 1e-6);
        }
    }

    @Test
    void rejectsNonImageTensors() {
        TensorSpec in = new TensorSpec("in", TensorType.FLOAT32, new int[] {1, 10}, 0f, 0);
        assertThrows(IllegalArgumentException.class, () -> new ImagePreprocessor(in, buffer(in), null, ImagePreprocessor.Resize.STRETCH));
    }
}
