package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.testing.TestData;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** {@code vigil bench --second-stage}: every frame classifies exactly the crops asked for, timed per frame and per crop. */
class SecondStageBenchTest {

    @Test
    void fiveCropsPerFrameAreClassifiedAndTimed() throws Exception {
        ModelStore store = ModelStore.fromEnvironment();
        List<Mat> frames = Bench.frames(TestData.images());
        try (Analyzer det = Analyzer.open(ModelSpec.of(store.resolve("ssd_mobilenet_v1_coco_quant")), Analyzer.Options.defaults(1))) {
            Analyzer cls = Analyzer.open(ModelSpec.of(store.resolve("mobilenet_v2_quant")), Analyzer.Options.defaults(1));
            SecondStageBench.Result r = SecondStageBench.run(det, cls, frames, 4, 1, 5, 1);
            assertEquals(5, r.crops());
            assertEquals(4, r.frames());
            assertEquals("mobilenet_v2_quant", r.classifier());
            assertTrue(r.frameMs() > 0 && r.detectorMs() > 0, r.toString());
            assertEquals(r.frameMs() / 5, r.cropMs(), 1e-9);
            assertTrue(r.frameP99Ms() >= r.frameMs() * 0.5, r.toString());
            Analyzer other = Analyzer.open(ModelSpec.of(store.resolve("mobilenet_v2_quant")), Analyzer.Options.defaults(1));
            assertThrows(IllegalArgumentException.class, () -> SecondStageBench.run(det, other, frames, 1, 0, 9, 1));
            other.close();
        } finally {
            frames.forEach(Mat::close);
        }
    }
}
