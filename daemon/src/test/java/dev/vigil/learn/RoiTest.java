package dev.vigil.learn;

import dev.vigil.preprocess.ImagePreprocessor;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RoiTest {

    @Test
    void onlyTheRegionOfTheFrameFillsTheTensorFrameAfterFrameWhateverItsSize() {
        int h = 8, w = 8;
        ByteBuffer t = ByteBuffer.allocateDirect(h * w * 3).order(ByteOrder.nativeOrder());
        TensorSpec spec = new TensorSpec("in", TensorType.UINT8, new int[] {1, h, w, 3}, 0.0078125f, 128);
        try (ImagePreprocessor p = new ImagePreprocessor(spec, t, null, ImagePreprocessor.Resize.STRETCH)) {
            Roi.parse("0.5, 0, 0.5, 1").applyTo(p);
            for (int[] size : new int[][] {{16, 32}, {48, 64}, {16, 32}}) {
                try (Mat frame = halves(size[0], size[1])) {
                    p.process(frame);
                    for (int i = 0; i < h * w * 3; i++) assertEquals(200, t.get(i) & 0xff, 2, "element " + i + " of a " + size[1] + "x" + size[0] + " frame is of its right half");
                    assertEquals(size[0], frame.rows(), "the frame itself is untouched");
                }
            }
        }
        // Without a region, the left half (10) fills the left of the tensor.
        try (ImagePreprocessor p = new ImagePreprocessor(spec, t, null, ImagePreprocessor.Resize.STRETCH); Mat frame = halves(16, 32)) {
            p.process(frame);
            assertEquals(10, t.get(0) & 0xff, 2);
        }
    }

    /** A BGR frame whose left half is 10 and right half 200. */
    private static Mat halves(int rows, int cols) {
        Mat m = new Mat(rows, cols, opencv_core.CV_8UC3, new Scalar(10, 10, 10, 0));
        try (Rect r = new Rect(cols / 2, 0, cols / 2, rows); Mat right = new Mat(m, r); Scalar v = new Scalar(200, 200, 200, 0)) {
            right.put(v);
        }
        return m;
    }

    @Test
    void aRegionOutsideTheFrameOrNotFourNumbersIsOneLine() {
        assertEquals("roi 0.5,0.5,0.8,0.2: give x,y,w,h as fractions of the frame, within 0..1 (e.g. 0.25,0.25,0.5,0.5)",
                assertThrows(IllegalArgumentException.class, () -> Roi.parse("0.5,0.5,0.8,0.2")).getMessage());
        assertEquals("roi 1,2: give four numbers x,y,w,h (fractions of the frame, e.g. 0.25,0.25,0.5,0.5)",
                assertThrows(IllegalArgumentException.class, () -> Roi.parse("1,2")).getMessage());
        assertEquals("roi a,0,1,1: a is not a number; give x,y,w,h as fractions of the frame",
                assertThrows(IllegalArgumentException.class, () -> Roi.parse("a,0,1,1")).getMessage());
    }
}
