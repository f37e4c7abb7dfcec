package dev.vigil.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.model.ImageEntry.Expect;
import dev.vigil.postprocess.SsdAnchors;
import dev.vigil.postprocess.SsdSpec;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogTest {

    static final Path ROOT = Path.of(System.getProperty("vigil.root", ".."));

    private static String modelsYaml() throws IOException {
        return Files.readString(ROOT.resolve("models/catalog.yaml"));
    }

    private static String imagesYaml() throws IOException {
        return Files.readString(ROOT.resolve("test-images/catalog.yaml"));
    }

    private static String errorOf(Runnable r) {
        CatalogException e = assertThrows(CatalogException.class, r::run);
        assertEquals(CatalogException.UNKNOWN, e.exitCode());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    // The folder the tests read (the mirror, or the download cache) holds the catalogs' exact bytes, hashed here anew.
    @Test
    void everyModelAndLabelFileResolvesToTheCatalogBytes() {
        Catalog<ModelEntry> models = Catalog.builtinModels();
        for (ModelEntry e : models.entries().values()) {
            List<Artifact> files = e.labelFile().isPresent() ? List.of(e, e.labels()) : List.of(e);
            for (Artifact a : files) {
                Path file = TestData.model(a.file());
                assertTrue(Files.isRegularFile(file), e.name() + ": " + file + " exists");
                assertEquals(a.size(), file.toFile().length(), e.name() + ": size of " + a.file());
                assertEquals(a.sha256(), Sha256.compute(file), e.name() + ": sha256 of " + a.file());
            }
        }
    }

    @Test
    void everyTestImageResolvesToTheCatalogBytes() {
        Catalog<ImageEntry> images = Catalog.builtinImages();
        assertEquals(10, images.entries().size());
        for (ImageEntry e : images.entries().values()) {
            Path file = TestData.image(e.file());
            assertEquals(e.size(), file.toFile().length(), e.name() + ": size");
            assertEquals(e.sha256(), Sha256.compute(file), e.name() + ": sha256");
            assertEquals(e.name(), e.file().substring(0, e.file().lastIndexOf('.')), "name is the file stem");
        }
    }

    @Test
    void theJarCarriesTheRepositoryCatalogsUnchanged() throws IOException {
        for (var pair : Map.of(Catalog.MODELS_RESOURCE, "models/catalog.yaml",
                Catalog.IMAGES_RESOURCE, "test-images/catalog.yaml").entrySet()) {
            try (InputStream in = Catalog.class.getResourceAsStream(pair.getKey())) {
                assertArrayEquals(Files.readAllBytes(ROOT.resolve(pair.getValue())), in.readAllBytes(), pair.getKey());
            }
        }
    }

    @Test
    void theModelCatalogHasTheFiveModelsAndTheCocoDetectorIsTheDefault() {
        Catalog<ModelEntry> models = Catalog.builtinModels();
        assertEquals(List.of("mobilenet_v2_quant", "mobilenet_v2_quant_edgetpu", "ssd_mobilenet_v1_coco_quant",
                "ssd_mobilenet_v2_oidv4", "mobilenet_v1_embedding_extractor"), models.names());
        assertEquals(ModelEntry.Kind.EMBEDDING, models.get("mobilenet_v1_embedding_extractor").kind());
        assertTrue(models.get("mobilenet_v1_embedding_extractor").labelFile().isEmpty(), "an extractor has no labels");
        List<String> defaults = models.entries().values().stream().filter(ModelEntry::isDefault).map(ModelEntry::name).toList();
        assertEquals(List.of("ssd_mobilenet_v1_coco_quant"), defaults);
        assertEquals(ModelEntry.Kind.DETECTOR, models.get("ssd_mobilenet_v1_coco_quant").kind());
        assertEquals("coco_labels.txt", models.get("ssd_mobilenet_v1_coco_quant").labels().file());
        assertEquals("n/a", models.get("ssd_mobilenet_v1_coco_quant").labels().unused());
        assertEquals(ModelEntry.Kind.CLASSIFIER, models.get("mobilenet_v2_quant").kind());
        assertEquals(0, models.get("mobilenet_v2_quant").labels().background());
    }

    @Test
    void theEdgeTpuBuildNamesItsCpuModel() {
        Catalog<ModelEntry> models = Catalog.builtinModels();
        ModelEntry tpu = models.get("mobilenet_v2_quant_edgetpu");
        assertTrue(tpu.edgetpu());
        assertEquals("mobilenet_v2_quant", tpu.cpuModel());
        assertFalse(models.get(tpu.cpuModel()).edgetpu());
        assertEquals(tpu.labels(), models.get(tpu.cpuModel()).labels());
    }

    @Test
    void theOpenImagesDetectorCarriesItsAnchorSpecNormalizationAndLabelOrigin() {
        ModelEntry oid = Catalog.builtinModels().get("ssd_mobilenet_v2_oidv4");
        assertEquals(new ModelEntry.Input(127.5, 127.5), oid.input());
        Map<String, Object> d = oid.decoding();
        assertEquals(6, d.get("num_layers"));
        assertEquals(300, d.get("input_size"));
        assertEquals(List.of(16, 32, 64, 128, 256, 512), d.get("strides"));
        assertEquals(List.of(10.0, 10.0, 5.0, 5.0), d.get("box_scales"));
        assertEquals(0.4, d.get("iou_threshold"));
        assertEquals(true, d.get("sigmoid"));
        SsdSpec spec = new ObjectMapper().convertValue(d, SsdSpec.class);
        assertEquals(1917, SsdAnchors.generate(spec).count(), "the postprocess stage reads the catalog's decoding");
        assertEquals("object_detection_oidv4_labelmap.txt", Path.of(oid.labels().url().getPath()).getFileName().toString());
        assertTrue(Catalog.builtinModels().get("ssd_mobilenet_v1_coco_quant").decoding().isEmpty());
    }

    @Test
    void theDoorbellTagsFollowTheImageSources() {
        Map<Expect, Set<String>> byTag = Catalog.builtinImages().entries().values().stream()
                .flatMap(e -> e.expect().stream().map(t -> Map.entry(t, e.name())))
                .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toSet())));
        assertEquals(Set.of("grace_hopper", "kite_and_cold", "astronaut", "person_dog_horse"), byTag.get(Expect.PERSON));
        assertEquals(Set.of("hot_dog", "empty_street"), byTag.get(Expect.NONE));
        assertTrue(byTag.get(Expect.ANIMAL).containsAll(Set.of("cat", "dog", "chelsea")));
    }

    @Test
    void anUnknownKeyIsNamedByItsPath() throws IOException {
        String yaml = modelsYaml().replaceFirst("sha256:", "sha25:");
        String message = errorOf(() -> Catalog.models(yaml, "test.yaml"));
        assertTrue(message.startsWith("models.mobilenet_v2_quant.sha25: unknown key (known: "), message);
        assertTrue(message.contains("sha256") && message.endsWith("[test.yaml]"), message);
    }

    @Test
    void anUnknownKeyInsideLabelsIsNamedByItsFullPath() throws IOException {
        String yaml = modelsYaml().replaceFirst("background: 0", "backgroun: 0");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t")).startsWith("models.mobilenet_v2_quant.labels.backgroun: unknown key"));
    }

    @Test
    void aShortSha256IsRefusedWithItsPath() throws IOException {
        String yaml = modelsYaml().replace("e4b118e5e4531945de2e659742c7c590f7536f8d0ed26d135abcfe83b4779d13", "e4b118e5");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t"))
                .startsWith("models.ssd_mobilenet_v1_coco_quant.sha256: must be 64 lowercase hex characters (got 'e4b118e5')"));
    }

    @Test
    void anFtpUrlIsRefused() throws IOException {
        String yaml = modelsYaml().replaceFirst("url: https://", "url: ftp://");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t")).startsWith("models.mobilenet_v2_quant.url: must start with https://"));
    }

    @Test
    void anUnknownKindListsTheKinds() throws IOException {
        String yaml = modelsYaml().replaceFirst("kind: classifier", "kind: segmenter");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t"))
                .startsWith("models.mobilenet_v2_quant.kind: must be one of classifier, detector, embedding (got 'segmenter')"));
    }

    @Test
    void aCpuModelThatIsNotInTheCatalogIsRefused() throws IOException {
        String yaml = modelsYaml().replace("cpu_model: mobilenet_v2_quant", "cpu_model: mobilenet_v3");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t"))
                .startsWith("models.mobilenet_v2_quant_edgetpu.cpu_model: 'mobilenet_v3' is not in the catalog"));
    }

    @Test
    void aMissingSizeIsRefused() throws IOException {
        String yaml = modelsYaml().replace("    size: 3610798\n", "");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t")).startsWith("models.mobilenet_v2_quant.size: missing"));
    }

    @Test
    void aLabelFileWithoutUrlNeedsAnOrigin() throws IOException {
        String yaml = modelsYaml().replaceFirst("(?m)^(      file: oidv4_labelmap.txt\n)(?:      #.*\n)?      url: .*\n", "$1      url: null\n");
        assertTrue(errorOf(() -> Catalog.models(yaml, "t")).startsWith("models.ssd_mobilenet_v2_oidv4.labels.url: missing"));
    }

    @Test
    void anUnknownImageTagIsNamedWithItsIndex() throws IOException {
        String yaml = imagesYaml().replace("expect: [person, animal]", "expect: [person, horse]");
        assertTrue(errorOf(() -> Catalog.images(yaml, "t"))
                .startsWith("images.person_dog_horse.expect[1]: must be one of person, animal, none (got 'horse')"));
    }

    @Test
    void aTopLevelTypoIsRefused() throws IOException {
        String yaml = imagesYaml().replace("images:", "imgs:");
        assertTrue(errorOf(() -> Catalog.images(yaml, "t")).startsWith("imgs: unknown key (expected only 'images')"));
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertTrue(errorOf(() -> Catalog.models("models:\n  a: [1, 2\n", "t")).startsWith("not valid YAML"));
    }

    @Test
    void anUnknownNameListsTheCatalogNames() {
        String message = errorOf(() -> Catalog.builtinModels().get("yolo"));
        assertEquals("unknown model 'yolo'; the catalog has: mobilenet_v2_quant, mobilenet_v2_quant_edgetpu,"
                + " ssd_mobilenet_v1_coco_quant, ssd_mobilenet_v2_oidv4, mobilenet_v1_embedding_extractor", message);
    }

    @Test
    void goldenImagesAreStrictAndNameTheirKey() throws IOException {
        String typo = modelsYaml().replaceFirst("\\{ image: cat.bmp, top: Egyptian cat \\}", "{ image: cat.bmp, topp: Egyptian cat }");
        String m = errorOf(() -> Catalog.models(typo, "t"));
        assertTrue(m.startsWith("models.mobilenet_v2_quant.golden[0].topp: unknown key (known: image, labels, top)"), m);
        String labelsOnAClassifier = modelsYaml().replaceFirst("top: Egyptian cat", "labels: [Egyptian cat]");
        assertTrue(errorOf(() -> Catalog.models(labelsOnAClassifier, "t"))
                .startsWith("models.mobilenet_v2_quant.golden[0].labels: for a detector; a classifier's golden image gives its top label as top:"));
        String topOnADetector = modelsYaml().replaceFirst("labels: \\[cat\\]", "top: cat");
        assertTrue(errorOf(() -> Catalog.models(topOnADetector, "t")).startsWith("models.ssd_mobilenet_v1_coco_quant.golden[1].top: for a classifier"));
        String noImage = modelsYaml().replaceFirst("image: grace_hopper.bmp, labels", "labels");
        assertTrue(errorOf(() -> Catalog.models(noImage, "t")).startsWith("models.ssd_mobilenet_v1_coco_quant.golden[2].image: missing"));
    }

    @Test
    void everyGoldenImageIsAFileOfTheTestImageCatalog() {
        Set<String> files = Catalog.builtinImages().entries().values().stream().map(ImageEntry::file).collect(Collectors.toSet());
        int goldens = 0;
        for (ModelEntry e : Catalog.builtinModels().entries().values()) {
            for (ModelEntry.Golden g : e.golden()) {
                assertTrue(files.contains(g.image()), e.name() + ": " + g.image());
                goldens++;
            }
        }
        assertEquals(8, goldens);
    }
}
