package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.postprocess.Labels;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The self-test's golden images: the catalog's real models see on them what the catalog says; the same detector with
 * its label file rotated by one (class 0 named as class 1, ...) is refused with one line naming the image, even when
 * disagreement with the live model is declared deliberate.
 */
class GoldenImagesTest {

    static final ModelStore STORE = ModelStore.fromEnvironment();

    static LoadedModel open(ModelSpec spec) {
        return new LoadedModel(Analyzer.open(spec, Analyzer.Options.defaults(1)), new ModelId(spec.name(), "test", "cpu"), -1);
    }

    @Test
    void theCatalogModelsSeeWhatTheirGoldenImagesExpect() {
        for (String name : List.of("ssd_mobilenet_v1_coco_quant", "mobilenet_v2_quant", "ssd_mobilenet_v2_oidv4")) {
            var resolved = STORE.resolve(name);
            List<ModelStore.GoldenImage> golden = STORE.golden(dev.vigil.model.Sha256.of(resolved.model()));
            assertTrue(golden.size() >= 2, name + ": " + golden);
            try (LoadedModel m = open(ModelSpec.of(resolved))) {
                for (ModelStore.GoldenImage g : golden) assertNull(GoldenCheck.check(m.analyzer(), g), name + " on " + g.golden().image());
            }
        }
    }

    @Test
    void aDetectorWithRotatedLabelsFailsItsGoldenImagesAndTheRealOnePasses() throws Exception {
        var resolved = STORE.resolve("ssd_mobilenet_v1_coco_quant");
        List<ModelStore.GoldenImage> golden = STORE.golden(dev.vigil.model.Sha256.of(resolved.model()));
        assertEquals("dog_bicycle_car.jpg", golden.getFirst().golden().image());
        List<String> lines = new ArrayList<>(Files.readAllLines(TestData.model("coco_labels.txt")));
        lines.add(lines.removeFirst());
        ModelSpec real = ModelSpec.of(resolved);
        ReferenceFrames frames = new ReferenceFrames(16, 500_000_000L, Map.of());
        try (LoadedModel live = open(real); LoadedModel rotated = open(real.withLabels(Labels.parse(lines, 0)));
             LoadedModel same = open(real)) {
            SelfTest.Outcome bad = SelfTest.run(rotated, live, List.of(), frames, 0.9, true, m -> null, golden);
            assertTrue(bad.refusal() != null && bad.refusal().contains("on its golden image dog_bicycle_car.jpg, where the catalog expects dog, bicycle, car"),
                    String.valueOf(bad.refusal()));
            assertEquals(1, bad.refusal().lines().count());
            SelfTest.Outcome good = SelfTest.run(same, live, List.of(), frames, 0.9, true, m -> null, golden);
            assertNull(good.refusal());
        }
    }

    @Test
    void modelsVerifyGoldenRunsTheCatalogModelOnItsGoldenImages() {
        var cli = dev.vigil.cli.Main.commandLine();
        var out = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(0, cli.execute("models", "verify", "--golden", "ssd_mobilenet_v1_coco_quant"), out.toString());
        assertEquals(List.of("ok        ssd_mobilenet_v1_coco_quant on golden image dog_bicycle_car.jpg",
                "ok        ssd_mobilenet_v1_coco_quant on golden image cat.bmp", "ok        ssd_mobilenet_v1_coco_quant on golden image grace_hopper.bmp"),
                out.toString().lines().filter(l -> l.contains("golden image")).toList());
    }
}
