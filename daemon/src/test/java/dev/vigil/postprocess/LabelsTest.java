package dev.vigil.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.model.ModelMetadata;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {

    private static final Path MODELS = TestData.shared().resolve("models");

    @TempDir Path tmp;

    @Test
    void cocoDetectorClassKIsLineKAndPersonIsZero() {
        Labels coco = Labels.read(MODELS.resolve("coco_labels.txt"));
        assertEquals(90, coco.size());
        assertEquals("person", coco.label(0));
        assertEquals("bicycle", coco.label(1));
        assertEquals("cat", coco.label(coco.indexOf("cat").getAsInt()));
        assertEquals(OptionalInt.of(0), coco.indexOf("person"));
        assertEquals(OptionalInt.of(16), coco.indexOf("cat"));
        assertEquals(OptionalInt.of(17), coco.indexOf("dog"));
        assertEquals(OptionalInt.of(31), coco.indexOf("tie"));
        assertEquals("n/a", coco.label(11), "placeholder lines keep their index");
        assertFalse(coco.hasBackgroundLine());
        assertEquals("class 90", coco.label(90));
    }

    @Test
    void imagenetClassifierOutputIIsLineIWithBackgroundAtZero() {
        Labels imagenet = Labels.read(MODELS.resolve("imagenet_labels.txt"));
        assertEquals(1001, imagenet.size());
        assertEquals("background", imagenet.label(0));
        assertTrue(imagenet.isBackground(0));
        assertTrue(imagenet.hasBackgroundLine());
        assertEquals("tench, Tinca tinca", imagenet.label(1));
        assertEquals("Egyptian cat", imagenet.label(286));
        assertEquals("military uniform", imagenet.label(653));
        assertEquals(OptionalInt.of(286), imagenet.indexOf("Egyptian cat"));
    }

    @Test
    void oidv4RawSsdColumnIIsLineIWithUnknownAtZero() {
        Labels oid = Labels.read(MODELS.resolve("oidv4_labelmap.txt"));
        assertEquals(24, oid.size());
        assertEquals("???", oid.label(0));
        assertTrue(oid.isBackground(0));
        assertEquals("Person", oid.label(4));
        assertEquals("Cat", oid.label(8));
        assertEquals("Car", oid.label(23));
        assertEquals(OptionalInt.of(8), oid.indexOf("cat"), "a case-insensitive match when no exact one");
    }

    @Test
    void metadataLabelsParseLikeTheFile() throws IOException {
        List<String> fromModel = ModelMetadata.read(MODELS.resolve("mobilenet_v2_1.0_224_quant.tflite")).labels().orElseThrow();
        Labels a = Labels.parse(fromModel, 0);
        Labels b = Labels.read(MODELS.resolve("imagenet_labels.txt"));
        for (int i = 0; i < 1001; i++) assertEquals(b.label(i), a.label(i));
    }

    @Test
    void offsetOneSkipsABackgroundLineTheModelDoesNotCount() {
        Labels l = Labels.of("???", "person", "bicycle").withOffset(1);
        assertEquals("person", l.label(0));
        assertEquals("bicycle", l.label(1));
        assertEquals(2, l.size());
        assertEquals(OptionalInt.of(0), l.indexOf("person"));
        assertTrue(l.indexOf("???").isEmpty(), "the skipped line is no model index");
        assertTrue(l.hasBackgroundLine());
        assertEquals("class -1", l.label(-1));
    }

    @Test
    void idLabelPairsWithSpacesColonsAndGaps() throws IOException {
        Path f = tmp.resolve("pairs.txt");
        Files.writeString(f, "0 person\n1  bicycle\n\n3:car\n 7 : traffic light \r\n10\tboat\n");
        Labels l = Labels.read(f);
        assertEquals("person", l.label(0));
        assertEquals("bicycle", l.label(1));
        assertEquals("class 2", l.label(2));
        assertEquals("car", l.label(3));
        assertEquals("traffic light", l.label(7));
        assertEquals("boat", l.label(10));
        assertEquals(11, l.size());
        assertEquals(OptionalInt.of(7), l.indexOf("traffic light"));
        assertTrue(l.find(5).isEmpty());
        Labels oneBased = Labels.parse(List.of("1 person", "2 bicycle"), 1);
        assertEquals("person", oneBased.label(0));
    }

    @Test
    void aFileWithOneNonPairLineIsPlain() {
        Labels l = Labels.parse(List.of("1 person", "bicycle", "3 car"), 0);
        assertEquals("1 person", l.label(0));
        assertEquals("bicycle", l.label(1));
        assertEquals("3 car", l.label(2));
    }

    @Test
    void plainBlankLinesKeepTheirIndexAndTrailingBlankLinesAndBomAreDropped() {
        Labels l = Labels.parse(List.of("\uFEFFa", "", "c", "", ""), 0);
        assertEquals(3, l.size());
        assertEquals("a", l.label(0));
        assertEquals("class 1", l.label(1));
        assertEquals("c", l.label(2));
    }

    @Test
    void errorsNameTheFileAndTheLine() throws IOException {
        Path dup = tmp.resolve("dup.txt");
        Files.writeString(dup, "0 person\n1 cat\n0 dog\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.read(dup));
        assertEquals(dup + ": line 3: id 0 already named on line 1; give each id one label", e.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> Labels.read(tmp.resolve("none.txt")));
        assertTrue(missing.getMessage().startsWith(tmp.resolve("none.txt") + ": cannot read label file"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Labels.of("a").withOffset(-1));
    }
}
