package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInspectorTest {

    @TempDir Path dir;

    static Path model(String name) { return TestData.model(name); }

    @Test
    void classifierFactsMatchTheModelCard() {
        ModelFacts f = ModelInspector.inspect(model("mobilenet_v2_1.0_224_quant.tflite"));
        assertEquals("mobilenet_v2_1.0_224_quant.tflite", f.model());
        TensorSpec in = f.inputs().getFirst(), out = f.outputs().getFirst();
        assertEquals(TensorType.UINT8, in.type());
        assertArrayEquals(new int[] {1, 224, 224, 3}, in.shape());
        assertEquals(0.0078125f, in.scale());
        assertEquals(128, in.zeroPoint());
        assertEquals(TensorType.UINT8, out.type());
        assertArrayEquals(new int[] {1, 1001}, out.shape());
        assertEquals(List.of(), f.customOps());
        System.gc();
    }

    @Test
    void detectorEndsInThePostProcessCustomOpWithFourFloatOutputs() {
        ModelFacts f = ModelInspector.inspect(model("ssd_mobilenet_v1_coco_quant_postprocess.tflite"));
        assertEquals(List.of("TFLite_Detection_PostProcess"), f.customOps());
        assertEquals(4, f.outputs().size());
        assertTrue(f.outputs().stream().allMatch(t -> t.type() == TensorType.FLOAT32));
        assertArrayEquals(new int[] {1, 10, 4}, f.outputs().get(0).shape());
        assertArrayEquals(new int[] {1}, f.outputs().get(3).shape());
    }

    @Test
    void floatDetectorHasRawOutputsAndNoCustomOp() {
        ModelFacts f = ModelInspector.inspect(model("ssd_mobilenetv2_oidv4_fp16.tflite"));
        assertEquals(TensorType.FLOAT32, f.inputs().getFirst().type());
        assertArrayEquals(new int[] {1, 1917, 4}, f.outputs().get(0).shape());
        assertArrayEquals(new int[] {1, 1917, 24}, f.outputs().get(1).shape());
        assertEquals(List.of(), f.customOps());
    }

    @Test
    void perChannelFullyConnectedWeightsAreCountedByScale() {
        ModelFacts f = ModelInspector.inspect(TinyModels.perChannelFullyConnected(dir, true, true));
        assertEquals(List.of(new ModelFacts.FullyConnected(1, "w", TensorType.INT8, 3)), f.fullyConnected());
        assertTrue(f.fullyConnected().getFirst().perChannel());
        assertEquals(TensorType.FLOAT32, f.outputs().getFirst().type());
    }

    @Test
    void perTensorFullyConnectedWeightsHaveOneScale() {
        ModelFacts f = ModelInspector.inspect(TinyModels.perChannelFullyConnected(dir, false, false));
        assertEquals(List.of(new ModelFacts.FullyConnected(0, "w", TensorType.INT8, 1)), f.fullyConnected());
        assertEquals(TensorType.INT8, f.outputs().getFirst().type());
        assertEquals(TinyModels.OUTPUT_SCALE, f.outputs().getFirst().scale());
    }

    @Test
    void edgeTpuModelIsALoadErrorThatSaysSo() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelInspector.inspect(model("mobilenet_v2_1.0_224_quant_edgetpu.tflite")));
        assertTrue(e.getMessage().contains("Edge TPU"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void aFileThatIsNoModelIsALoadError() throws IOException {
        Path junk = Files.write(dir.resolve("junk.tflite"), "this is not a flatbuffer at all, just text".getBytes());
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelInspector.inspect(junk));
        assertTrue(e.getMessage().contains("junk.tflite") && e.getMessage().contains("not a valid TFLite model"), e.getMessage());
    }

    @Test
    void aMissingFileIsALoadError() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelInspector.inspect(dir.resolve("nope.tflite")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }
}
