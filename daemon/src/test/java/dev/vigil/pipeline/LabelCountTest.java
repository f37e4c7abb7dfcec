package dev.vigil.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.inference.ModelLoadException;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ResolvedModel;
import dev.vigil.model.PostprocessOptions;
import dev.vigil.postprocess.Labels;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A label file must name exactly the model's classes: one that does not fit names every class wrongly. */
class LabelCountTest {

    @TempDir
    Path tmp;

    static final ModelStore STORE = ModelStore.fromEnvironment();

    /** The first {@code n} lines of a shared label file, from line {@code from}. */
    Path lines(String file, int from, int n) throws Exception {
        List<String> all = Files.readAllLines(TestData.model(file));
        Path p = tmp.resolve(n + "-" + file);
        Files.write(p, all.subList(from, from + n));
        return p;
    }

    static Analyzer open(String model, Path labels) {
        return Analyzer.open(ModelSpec.of(STORE.resolve(model)).withLabels(Labels.read(labels)), Analyzer.Options.defaults(1));
    }

    @Test
    void theClassifiersOwn1001LinesFit() throws Exception {
        try (Analyzer a = open("mobilenet_v2_quant", lines("imagenet_labels.txt", 0, 1001))) {
            assertEquals("tench, Tinca tinca", a.label(1));
        }
    }

    @Test
    void a1000LineFileWithoutTheBackgroundIsRefusedWithBothNumbers() throws Exception {
        Path labels = lines("imagenet_labels.txt", 1, 1000);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open("mobilenet_v2_quant", labels));
        assertEquals("labels " + labels + " name 1000 classes but model mobilenet_v2_quant has 1001; give its own label file"
                + " (one line per output class, the background line included)", e.getMessage());
    }

    @Test
    void a965LineFileIsRefused() throws Exception {
        Path labels = lines("imagenet_labels.txt", 0, 965);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open("mobilenet_v2_quant", labels));
        assertEquals("labels " + labels + " name 965 classes but model mobilenet_v2_quant has 1001; give its own label file"
                + " (one line per output class, the background line included)", e.getMessage());
    }

    @Test
    void aBackgroundLineTheModelDoesNotCountFitsWithOffsetOne() throws Exception {
        // 1002 lines: a background line, then 1001 names; with offset 1 they cover the 1001 outputs.
        Path labels = tmp.resolve("shifted.txt");
        List<String> all = new java.util.ArrayList<>(Files.readAllLines(TestData.model("imagenet_labels.txt")));
        all.addFirst("???");
        Files.write(labels, all);
        ModelSpec spec = ModelSpec.of(STORE.resolve("mobilenet_v2_quant")).withLabels(Labels.read(labels, 1));
        try (Analyzer a = Analyzer.open(spec, Analyzer.Options.defaults(1))) {
            assertEquals("background", a.label(0));
        }
        ModelSpec unshifted = spec.withLabels(Labels.read(labels));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Analyzer.open(unshifted, Analyzer.Options.defaults(1)));
        assertEquals(true, e.getMessage().contains("name 1002 classes but model mobilenet_v2_quant has 1001"), e.getMessage());
    }

    @Test
    void theDetectorsClassCountComesFromItsPostprocessOp() throws Exception {
        assertEquals(OptionalInt.of(90), PostprocessOptions.numClasses(TestData.model(TestData.DETECTOR)));
        assertEquals(OptionalInt.empty(), PostprocessOptions.numClasses(TestData.model(TestData.CLASSIFIER)));
        try (Analyzer a = open("ssd_mobilenet_v1_coco_quant", TestData.model("coco_labels.txt"))) {
            assertEquals("person", a.label(0));
        }
        Path eighty = lines("coco_labels.txt", 0, 80);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open("ssd_mobilenet_v1_coco_quant", eighty));
        assertEquals(true, e.getMessage().startsWith("labels " + eighty + " name 80 classes but model ssd_mobilenet_v1_coco_quant has 90;"),
                e.getMessage());
    }

    @Test
    void aRawSsdsScoreColumnsAreItsClasses() throws Exception {
        try (Analyzer a = open("ssd_mobilenet_v2_oidv4", TestData.model("oidv4_labelmap.txt"))) {
            assertEquals(24, a.labels().size());
        }
        Path more = tmp.resolve("25.txt");
        List<String> all = new java.util.ArrayList<>(Files.readAllLines(TestData.model("oidv4_labelmap.txt")));
        all.add("Unicorn");
        Files.write(more, all);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open("ssd_mobilenet_v2_oidv4", more));
        assertEquals(true, e.getMessage().startsWith("labels " + more + " name 25 classes but model ssd_mobilenet_v2_oidv4 has 24;"),
                e.getMessage());
    }

    @Test
    void aCatalogSkipFirstIsTheOffsetTheCountIsCheckedWith() throws Exception {
        ModelEntry e = STORE.models().find("mobilenet_v2_quant").orElseThrow();
        ModelEntry.Labels l = e.labels();
        ModelEntry skipping = new ModelEntry(e.name(), e.file(), e.url(), e.sha256(), e.size(), e.license(), e.kind(), e.description(),
                new ModelEntry.Labels(l.file(), l.url(), l.origin(), l.sha256(), l.size(), 1, l.background(), l.unused()),
                e.input(), e.edgetpu(), e.cpuModel(), e.decoding(), e.isDefault(), e.golden());
        Path labels = tmp.resolve("with-header.txt");
        List<String> all = new java.util.ArrayList<>(Files.readAllLines(TestData.model("imagenet_labels.txt")));
        all.addFirst("# ImageNet, background first");
        Files.write(labels, all);
        ModelSpec spec = ModelSpec.of(new ResolvedModel(TestData.model(TestData.CLASSIFIER), java.util.Optional.of(labels),
                java.util.Optional.of(skipping)));
        assertEquals(1001, spec.labels().orElseThrow().size());
        try (Analyzer a = Analyzer.open(spec, Analyzer.Options.defaults(1))) {
            assertEquals("background", a.label(0));
        }
    }
}
