package dev.vigil.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelParametersTest {

    @Test
    void mobilenetV2HasItsPublishedThreeAndAHalfMillion() throws Exception {
        // MobileNetV2 1.0/224: 3.47 M weights with a 1000-class head; this one has 1001 classes and folded batch norms.
        long n = ModelParameters.count(TestData.model(TestData.CLASSIFIER)).orElseThrow();
        assertTrue(n > 3_400_000 && n < 3_600_000, "counted " + n);
    }

    @Test
    void anEdgeTpuModelHidesItsWeightsInTheCompiledOp() throws Exception {
        assertEquals(OptionalLong.empty(), ModelParameters.count(TestData.model(TestData.CLASSIFIER_EDGETPU)));
    }

    @Test
    void aFileThatIsNoModelHasNoCount(@TempDir Path tmp) throws Exception {
        Path f = Files.writeString(tmp.resolve("x.tflite"), "not a flatbuffer at all");
        assertEquals(OptionalLong.empty(), ModelParameters.count(f));
    }
}
