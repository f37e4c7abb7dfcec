package dev.vigil.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class RoiTest {

    @Test
    void theRegionOfTheTensorIsResizedBackOverIt() {
        int h = 8, w = 8;
        ByteBuffer t = ByteBuffer.allocateDirect(h * w * 3).order(ByteOrder.nativeOrder());
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < 3; c++) t.put((y * w + x) * 3 + c, (byte) (x < 4 ? 10 : 200));
        TensorSpec spec = new TensorSpec("in", TensorType.UINT8, new int[] {1, h, w, 3}, 0.0078125f, 128);
        try (TensorCrop crop = new TensorCrop(spec, t, Roi.parse("0.5, 0, 0.5, 1"))) {
            crop.apply();
        }
        for (int i = 0; i < h * w * 3; i++) assertEquals(200, t.get(i) & 0xff, "element " + i + " is of the right half");
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
