package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.preprocess.ImagePreprocessor;
import dev.vigil.testing.TestData;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The daemon finds engine djl only through this module's META-INF/services entry: the wiring, end to end. */
class DjlEngineProviderTest {

    @Test
    void theProviderSaysWhereDjlRunsWithoutLoadingDjl() {
        assertEquals(Engines.wrongPlatform("djl", Engines.platform()), new DjlEngineProvider().unavailable());
        assertTrue(Engines.known().contains("djl"), Engines.known().toString());
    }

    @Test
    void withThisJarOnTheClassPathTheDaemonRunsEngineDjl() {
        DjlTests.assumeDjlRunsHere();
        assertEquals(List.of("tflite", "djl"), Engines.available());
        assertEquals(Optional.empty(), Engines.problem("djl"));
        Analyzer.Options o = new Analyzer.Options("djl", EngineOptions.cpu(1), ImagePreprocessor.Resize.STRETCH, 5, 100);
        try (Analyzer a = Analyzer.open(TestData.model(TestData.CLASSIFIER), o); Mat m = TestData.read("grace_hopper.bmp")) {
            assertInstanceOf(DjlEngine.class, a.engine());
            a.analyze(m, 0f);
            assertTrue(a.label(a.topK().index(0)).startsWith("military uniform"), a.label(a.topK().index(0)));
        }
    }
}
