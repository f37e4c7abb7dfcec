package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.testing.BadImages;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchFramesTest {

    @Test
    void badAndOversizedImagesAreLeftOutOfTheBenchFrames(@TempDir Path dir) throws Exception {
        List<Mat> frames = Bench.frames(BadImages.corpus(dir));
        try {
            assertEquals(BadImages.GOOD.size(), frames.size());
            for (Mat m : frames) assertEquals(Bench.FRAME_WIDTH, m.cols());
        } finally {
            frames.forEach(Mat::close);
        }
    }
}
