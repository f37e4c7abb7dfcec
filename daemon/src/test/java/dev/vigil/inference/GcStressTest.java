package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * JavaCPP frees native memory when Java peers are collected; an interpreter whose model, resolver or delegate went
 * first crashes the JVM (detection_postprocess). These tests collect garbage between every inference: the JVM
 * surviving with the same answers is the assertion.
 */
class GcStressTest {

    @Test
    void detectorSurvivesGcBetweenInferences() {
        for (Delegate d : new Delegate[] {Delegate.CPU, Delegate.XNNPACK_DEFAULT, Delegate.NONE}) {
            try (Analyzer a = Analyzer.open(TestData.model(TestData.DETECTOR), Analyzer.Options.defaults(2).withDelegate(d));
                 Mat cat = TestData.read("cat.bmp")) {
                int iterations = d == Delegate.NONE ? 3 : 25;
                for (int i = 0; i < iterations; i++) {
                    System.gc();
                    a.analyze(cat, 0.5f);
                    assertEquals(16, a.detections().classIndex(0), d + ": cat is class 16");
                }
            }
        }
    }

    @Test
    void openingAndClosingEnginesUnderGcNeitherCrashesNorLeaks() {
        Path model = TestData.model(TestData.CLASSIFIER);
        // Warm up, then compare RSS after many open/close cycles: a leak of the ~3.6 MB model per cycle would show.
        for (int i = 0; i < 5; i++) cycle(model);
        double before = dev.vigil.bench.Bench.rssMb();
        for (int i = 0; i < 40; i++) {
            cycle(model);
            if (i % 5 == 0) System.gc();
        }
        double after = dev.vigil.bench.Bench.rssMb();
        assertTrue(after - before < 60, "RSS grew " + (after - before) + " MB over 40 engines");
    }

    private static void cycle(Path model) {
        TfliteEngine e = TfliteEngine.open(model, EngineOptions.cpu(1));
        e.invoke();
        System.gc();
        e.invoke();
        e.close();
        e.close(); // idempotent
    }

    @Test
    void invokeAfterCloseIsAnErrorNotACrash() {
        TfliteEngine e = TfliteEngine.open(TestData.model(TestData.CLASSIFIER), EngineOptions.cpu(1));
        e.close();
        System.gc();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, e::invoke);
    }

    @Test
    void graphSummaryNamesWhatRunsEachNodeWithAndWithoutADelegate() {
        try (TfliteEngine none = TfliteEngine.open(TestData.model(TestData.DETECTOR), EngineOptions.cpu(1).withDelegate(Delegate.NONE));
             TfliteEngine x = TfliteEngine.open(TestData.model(TestData.DETECTOR), EngineOptions.cpu(1))) {
            String n = none.graphSummary(), d = x.graphSummary();
            assertTrue(n.startsWith("64 nodes for 64 ops") && n.contains("TFLite_Detection_PostProcess x1"), n);
            assertTrue(d.contains("TfLiteXNNPackDelegate") && d.contains("for 64 ops"), d);
        }
    }
}
