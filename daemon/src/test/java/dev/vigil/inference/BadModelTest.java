package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken models give one-line ModelLoadExceptions, never a crash, and leave nothing open. */
class BadModelTest {

    @TempDir
    Path tmp;

    ModelLoadException load(Path p) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> TfliteEngine.open(p, EngineOptions.cpu(2)));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void missingFile() {
        assertTrue(load(tmp.resolve("nope.tflite")).getMessage().contains("no such file"));
    }

    @Test
    void emptyFile() throws Exception {
        Path p = Files.createFile(tmp.resolve("empty.tflite"));
        assertTrue(load(p).getMessage().contains("not a TFLite model"));
    }

    @Test
    void truncatedModel() throws Exception {
        byte[] all = Files.readAllBytes(TestData.model(TestData.DETECTOR));
        for (int len : new int[] {64, 4096, all.length / 2, all.length - 100}) {
            Path p = tmp.resolve("truncated-" + len + ".tflite");
            Files.write(p, java.util.Arrays.copyOf(all, len));
            String m = load(p).getMessage();
            assertTrue(m.contains("not a valid TFLite model") && m.contains(p.toString()), m);
            System.gc();
        }
    }

    @Test
    void randomBytes() throws Exception {
        byte[] junk = new byte[200_000];
        new Random(42).nextBytes(junk);
        Path p = tmp.resolve("random.tflite");
        Files.write(p, junk);
        assertTrue(load(p).getMessage().contains("not a valid TFLite model"));
    }

    @Test
    void anImageIsNotAModel() {
        assertTrue(load(TestData.image("hot_dog.jpg")).getMessage().contains("not a valid TFLite model"));
    }

    @Test
    void edgeTpuModelOnTheCpuSaysACoralIsNeededAndNamesTheCpuModel() {
        String m = load(TestData.model(TestData.CLASSIFIER_EDGETPU)).getMessage();
        assertTrue(m.contains("Edge TPU") && m.contains("mobilenet_v2_1.0_224_quant.tflite"), m);
    }

    @Test
    void aGoodModelStillLoadsAfterTheFailures() throws Exception {
        randomBytes();
        try (TfliteEngine e = TfliteEngine.open(TestData.model(TestData.CLASSIFIER), EngineOptions.cpu(1))) {
            e.invoke();
            assertTrue(e.outputs().get(0).elements() == 1001);
        }
    }
}
