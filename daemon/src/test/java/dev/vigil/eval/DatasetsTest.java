package dev.vigil.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path tmp;

    @Test
    void aVocBoxCountsPixelsFromOneBothEndsIncludedAndDifficultIsIgnored() throws Exception {
        Path ann = Files.createDirectories(tmp.resolve("Annotations"));
        Files.createDirectories(tmp.resolve("JPEGImages"));
        Files.writeString(ann.resolve("000001.xml"), """
                <annotation><filename>000001.jpg</filename><size><width>500</width><height>375</height><depth>3</depth></size>
                  <object><name>dog</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>11</ymin><xmax>100</xmax><ymax>60</ymax></bndbox></object>
                  <object><name>person</name><difficult>1</difficult><bndbox><xmin>200</xmin><ymin>20</ymin><xmax>209</xmax><ymax>39</ymax></bndbox></object>
                </annotation>""");
        Dataset.Detection ds = assertInstanceOf(Dataset.Detection.class, Datasets.open(tmp));
        assertEquals("Pascal VOC", ds.format());
        assertEquals(List.of(new Dataset.Detection.Category(1, "dog"), new Dataset.Detection.Category(2, "person")), ds.categories());
        assertEquals(tmp.resolve("JPEGImages/000001.jpg"), ds.images().getFirst().file());
        assertEquals(500, ds.images().getFirst().width());
        Box dog = ds.truths().get(0), person = ds.truths().get(1);
        assertEquals(List.of(0.0, 10.0, 100.0, 50.0), List.of(dog.x(), dog.y(), dog.w(), dog.h()));
        assertTrue(!dog.ignore() && person.ignore() && !person.crowd());
    }

    @Test
    void classFoldersWithoutImagesAreNoClasses() throws Exception {
        Files.createDirectories(tmp.resolve("empty_class"));
        Files.createDirectories(tmp.resolve("cat"));
        Files.write(tmp.resolve("cat/a.jpg"), new byte[] {1});
        Files.writeString(tmp.resolve("cat/notes.txt"), "not an image");
        Dataset.Classification ds = assertInstanceOf(Dataset.Classification.class, Datasets.open(tmp));
        assertEquals(List.of("cat"), ds.classes());
        assertEquals(List.of(tmp.resolve("cat/a.jpg")), ds.files());
    }

    @Test
    void twoCocoFilesAskWhichOne() throws Exception {
        String coco = "{\"images\": [], \"annotations\": [], \"categories\": []}";
        Files.writeString(tmp.resolve("train.json"), coco);
        Files.writeString(tmp.resolve("val.json"), coco);
        var e = assertThrows(Dataset.BadDatasetException.class, () -> Datasets.open(tmp));
        assertEquals(tmp + ": several COCO annotation files (train.json, val.json); give the one to use as --dataset FILE.json", e.getMessage());
    }
}
