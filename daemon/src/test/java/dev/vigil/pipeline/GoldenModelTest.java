package dev.vigil.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.postprocess.Detection;
import dev.vigil.postprocess.Detections;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real models on real photos, against the reference run in ../shared/models/SOURCES.md (classes and score bands). */
class GoldenModelTest {

    static Analyzer classifier, detector;

    @BeforeAll
    static void open() throws Exception {
        classifier = Analyzer.open(TestData.model(TestData.CLASSIFIER), Analyzer.Options.defaults(2),
                Files.readAllLines(TestData.model("imagenet_labels.txt")));
        detector = Analyzer.open(TestData.model(TestData.DETECTOR), Analyzer.Options.defaults(2),
                Files.readAllLines(TestData.model("coco_labels.txt")));
    }

    @AfterAll
    static void close() {
        classifier.close();
        detector.close();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "grace_hopper.bmp, 653, military uniform, 0.80, 0.97",
        "cat.bmp,          286, Egyptian cat,     0.70, 0.90",
        "hot_dog.jpg,      935, hotdog,           0.90, 1.00",
        "chelsea.png,      286, Egyptian cat,     0.60, 0.85",
        "dog.bmp,          201, Tibetan terrier,  0.40, 0.65",
    })
    void classifierTop1MatchesTheReference(String image, int index, String label, float lo, float hi) {
        try (Mat m = TestData.read(image)) {
            classifier.analyze(m, 0f);
        }
        assertEquals(index, classifier.topK().index(0), image + " top-1");
        assertTrue(classifier.label(index).startsWith(label), classifier.label(index));
        float s = classifier.topK().score(0);
        assertTrue(s >= lo && s <= hi, image + " score " + s + " outside [" + lo + ", " + hi + "]");
        assertTrue(classifier.topK().count() == 5 && classifier.topK().score(4) <= s, "top-5 sorted");
    }

    static List<Detection> detect(String image, float minScore) {
        try (Mat m = TestData.read(image)) {
            detector.analyze(m, minScore);
        }
        return detector.detections().toList(detector::label);
    }

    static Set<String> labels(List<Detection> d) {
        return d.stream().map(Detection::label).collect(Collectors.toSet());
    }

    @Test
    void detectorFindsThePersonInGraceHopper() {
        List<Detection> d = detect("grace_hopper.bmp", 0.5f);
        Detection best = d.get(0);
        assertEquals("person", best.label());
        assertTrue(best.score() > 0.6 && best.score() < 0.85, "score " + best.score());
        assertTrue(best.area() > 0.5, "the portrait fills the frame: " + best.area());
        assertTrue(labels(d).contains("tie"), d.toString());
    }

    @Test
    void detectorFindsPeopleAndKitesOnTheBeach() {
        List<Detection> d = detect("kite_and_cold.jpg", 0.5f);
        long persons = d.stream().filter(x -> x.label().equals("person")).count();
        long kites = d.stream().filter(x -> x.label().equals("kite")).count();
        assertTrue(persons >= 3 && kites >= 3, "persons " + persons + " kites " + kites);
    }

    @ParameterizedTest
    @CsvSource({"cat.bmp, cat, 0.6, 0.85", "chelsea.png, cat, 0.55, 0.8", "dog.bmp, dog, 0.5, 0.7", "person_dog_horse.jpg, person, 0.7, 0.9"})
    void detectorTopClass(String image, String label, float lo, float hi) {
        Detection best = detect(image, 0.5f).get(0);
        assertEquals(label, best.label(), image);
        assertTrue(best.score() >= lo && best.score() <= hi, image + " score " + best.score());
        for (float v : best.box()) assertTrue(v >= 0f && v <= 1f, "box normalized: " + v);
        assertTrue(best.box()[0] < best.box()[2] && best.box()[1] < best.box()[3], "xmin<xmax, ymin<ymax");
    }

    @Test
    void emptyStreetHasNoPersonOrAnimal() {
        Set<String> found = labels(detect("empty_street.jpg", 0.5f));
        Set<String> animalsOrPeople = Set.of("person", "cat", "dog", "bird", "horse", "sheep", "cow", "bear");
        assertTrue(found.stream().noneMatch(animalsOrPeople::contains), found.toString());
    }

    @Test
    void catBoxIsWhereTheCatIs() {
        Detections d = detector.detections();
        detect("cat.bmp", 0.5f);
        // The cat fills the middle of cat.bmp: its box contains the image centre.
        assertTrue(d.xmin(0) < 0.5 && d.xmax(0) > 0.5 && d.ymin(0) < 0.5 && d.ymax(0) > 0.5);
    }
}
