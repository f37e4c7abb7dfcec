package dev.vigil.motion;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import dev.vigil.testing.TestData;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MotionGateTest {

    @Test
    void aStillSceneSkipsAndAMovingObjectPasses() {
        try (MotionGate gate = new MotionGate(25, 0.01, 160);
             Mat street = TestData.read("empty_street.jpg");
             Mat withBox = street.clone()) {
            assertTrue(gate.moved(street), "the first frame counts as motion");
            assertFalse(gate.moved(street), "same frame again: no motion");
            assertFalse(gate.moved(street.clone()), "an identical copy: no motion");
            // Something the size of a person walks in: a filled rectangle over ~6% of the frame.
            opencv_imgproc.rectangle(withBox, new Point(100, 100), new Point(250, 250), new Scalar(255, 0, 255, 0), -1, 8, 0);
            assertTrue(gate.moved(withBox), "changed " + gate.lastChanged());
            assertTrue(gate.lastChanged() > 0.03 && gate.lastChanged() < 0.15, "changed " + gate.lastChanged());
            assertFalse(gate.moved(withBox), "it stopped moving");
        }
    }

    @Test
    void sensorNoiseBelowTheThresholdIsNotMotion() {
        try (MotionGate gate = new MotionGate(25, 0.01, 160);
             Mat a = new Mat(240, 320, CV_8UC3, new Scalar(100, 100, 100, 0));
             Mat b = new Mat(240, 320, CV_8UC3, new Scalar(110, 108, 112, 0))) {
            gate.moved(a);
            assertFalse(gate.moved(b), "a uniform 10-level change is below threshold 25");
        }
    }

    @Test
    void aFrameSizeChangeStartsOver() {
        try (MotionGate gate = new MotionGate(25, 0.01, 160); Mat a = TestData.read("cat.bmp"); Mat b = TestData.read("dog.bmp")) {
            gate.moved(a);
            assertTrue(gate.moved(b));
        }
    }

    @Test
    void badSettingsNameTheKey() {
        assertEquals("threshold: 0 is not within 1..255", assertThrows(ConfigException.class, () -> new MotionGate(0, 0.01, 160)).getMessage(),
                "MotionConfig states the rule; the gate has no copy of it");
        assertEquals("min_area: 2 is not within 0..1", assertThrows(ConfigException.class, () -> new MotionGate(25, 2, 160)).getMessage());
    }
}
