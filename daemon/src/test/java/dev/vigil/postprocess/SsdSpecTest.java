package dev.vigil.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SsdSpecTest {

    static final Path OIDV4_YAML = resource("/ssd_mobilenetv2_oidv4_fp16.decoding.yaml");

    private static final String ANCHORS = """
            num_layers: 2
            min_scale: 0.2
            max_scale: 0.9
            input_size: 320
            strides: [16, 32]
            aspect_ratios: [1.0]
            """;

    @TempDir Path tmp;

    static SsdSpec oidv4() { return SsdSpec.load(OIDV4_YAML); }

    private static Path resource(String name) {
        try {
            return Path.of(SsdSpecTest.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void loadsTheOidv4Spec() {
        SsdSpec s = oidv4();
        assertEquals(6, s.numLayers());
        assertEquals(0.2f, s.minScale());
        assertEquals(0.95f, s.maxScale());
        assertEquals(300, s.inputSize());
        assertEquals(List.of(16, 32, 64, 128, 256, 512), s.strides());
        assertEquals(List.of(1.0f, 2.0f, 0.5f, 3.0f, 0.3333f), s.aspectRatios());
        assertTrue(s.reduceBoxesInLowestLayer());
        assertEquals(List.of(10f, 10f, 5f, 5f), s.boxScales());
        assertTrue(s.sigmoid());
        assertEquals(0, s.backgroundClass());
        assertEquals(0.4f, s.iouThreshold());
        assertEquals(0.4f, s.minScore());
        assertEquals(10, s.maxDetections());
    }

    @Test
    void optionalKeysTakeTheirDefaults() throws IOException {
        SsdSpec s = SsdSpec.load(write("a.yaml", ANCHORS));
        assertFalse(s.reduceBoxesInLowestLayer());
        assertEquals(1f, s.interpolatedScaleAspectRatio());
        assertEquals(List.of(10f, 10f, 5f, 5f), s.boxScales());
        assertTrue(s.sigmoid());
        assertEquals(0, s.backgroundClass());
        assertEquals(0.5f, s.iouThreshold());
        assertEquals(0.5f, s.minScore());
        assertEquals(10, s.maxDetections());
    }

    @Test
    void errorsNameTheFileAndTheKey() throws IOException {
        assertError("missing.yaml", ANCHORS.replace("input_size: 320\n", ""), ": input_size: missing");
        assertError("count.yaml", ANCHORS.replace("[16, 32]", "[16]"), ": strides: has 1 values, num_layers is 2");
        assertError("scales.yaml", ANCHORS + "box_scales: [10, 10, 5]\n", ": box_scales: has 3 values; give 4 (y, x, h, w)");
        assertError("iou.yaml", ANCHORS + "iou_threshold: 1.5\n", ": iou_threshold: 1.5 must be in (0, 1]");
        assertError("minscale.yaml", ANCHORS.replace("min_scale: 0.2", "min_scale: 0.95"), ": max_scale: 0.9 must be at least min_scale (0.95)");
        IllegalArgumentException unknown = assertError("unknown.yaml", ANCHORS + "anchor_offset: 0.5\n", ": anchor_offset: unknown key (known: ");
        assertTrue(unknown.getMessage().contains("strides"), unknown.getMessage());
        assertError("type.yaml", ANCHORS.replace("[16, 32]", "[16, sixteen]"), ": strides[1]: ");
        assertError("broken.yaml", ANCHORS + "box_scales: [1, 2\n", ": box_scales: not valid YAML (");
        assertError("broken2.yaml", "num_layers: 2\n- x\n", ": not valid YAML (");
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> SsdSpec.load(tmp.resolve("none.yaml")));
        assertEquals(tmp.resolve("none.yaml") + ": cannot read decoding spec (FileNotFoundException); check the path", missing.getMessage());
    }

    @Test
    void errorMessagesAreOneLine() throws IOException {
        IllegalArgumentException e = assertError("type2.yaml", ANCHORS.replace("input_size: 320", "input_size: [1, 2]"), ": input_size: ");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void findsTheSidecarNextToTheModel() throws IOException {
        Path model = tmp.resolve("detector.v2.tflite");
        Files.write(model, new byte[] {0});
        assertEquals(tmp.resolve("detector.v2.decoding.yaml"), SsdSpec.sidecar(model));
        assertTrue(SsdSpec.forModel(model).isEmpty());
        write("detector.v2.decoding.yaml", ANCHORS);
        assertEquals(320, SsdSpec.forModel(model).orElseThrow().inputSize());
    }

    private IllegalArgumentException assertError(String name, String yaml, String expected) throws IOException {
        Path f = write(name, yaml);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SsdSpec.load(f));
        assertTrue(e.getMessage().startsWith(f + expected), e.getMessage());
        return e;
    }

    private Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
