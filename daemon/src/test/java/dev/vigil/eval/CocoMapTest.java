package dev.vigil.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mAP of CocoEval against pycocotools' COCOeval on the same ground truth and detections: a generated set with
 * crowd boxes, duplicates, score ties, a category detected but never annotated and an image with more than 100
 * detections. resources/eval/coco_reference.py wrote the data and the reference numbers.
 */
class CocoMapTest {

    static final Path FIXTURE = Path.of("src/test/resources/eval/coco");

    @Test
    void mapEqualsTheCocoReferenceImplementation(@TempDir Path dir) throws Exception {
        // The dataset as a user gives it: an annotation file in a folder.
        Path json = dir.resolve("instances.json");
        Files.copy(FIXTURE.resolve("ground_truth.json"), json);
        Dataset.Detection ds = (Dataset.Detection) Datasets.open(dir);
        assertEquals("COCO JSON", ds.format());
        List<Box> dets = CocoJson.readResults(FIXTURE.resolve("detections.json"));
        JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());

        CocoEval.Result r = CocoEval.evaluate(ds.imageIds(), ds.categoryIds(), ds.truths(), dets);

        assertEquals(ref.get("map").asDouble(), r.map(), 1e-3);
        assertEquals(ref.get("map50").asDouble(), r.map50(), 1e-3);
        assertEquals(ref.get("map75").asDouble(), r.map75(), 1e-3);
        for (var c : ds.categories()) {
            JsonNode pc = ref.get("per_class").get(c.name());
            assertEquals(pc.get("ap").asDouble(), r.category(c.id()).ap(), 1e-3, c.name());
            assertEquals(pc.get("ap50").asDouble(), r.category(c.id()).ap50(), 1e-3, c.name());
        }
        // Not only close: the same arithmetic gives the same numbers to the last digits.
        assertEquals(ref.get("map").asDouble(), r.map(), 1e-12);
    }

    @Test
    void aDetectionOnACrowdIsNeitherHitNorFalsePositive() {
        List<Box> gt = List.of(Box.truth(1, 1, 0, 0, 100, 100, 10000, true), Box.truth(1, 1, 200, 200, 50, 50, 2500, false));
        List<Box> dt = new ArrayList<>();
        for (int i = 0; i < 5; i++) dt.add(Box.detection(1, 1, 10 + i, 10, 20, 20, 0.9 - i * 0.01)); // inside the crowd
        dt.add(Box.detection(1, 1, 200, 200, 50, 50, 0.5));
        CocoEval.Result r = CocoEval.evaluate(List.of(1), List.of(1), gt, dt);
        assertEquals(1.0, r.map(), 1e-12); // the crowd's detections would otherwise be five false positives before the hit
        double[] pr = r.category(1).precisionRecallAt(0.0);
        assertEquals(1.0, pr[0], 1e-12);
        assertEquals(1.0, pr[1], 1e-12);
    }

    @Test
    void onlyTheHundredBestDetectionsOfAnImageCount() {
        List<Box> dt = new ArrayList<>();
        for (int i = 0; i < 100; i++) dt.add(Box.detection(1, 1, 500, 500, 10, 10, 0.9)); // misses
        dt.add(Box.detection(1, 1, 0, 0, 10, 10, 0.1)); // the hit, 101st
        CocoEval.Result r = CocoEval.evaluate(List.of(1), List.of(1), List.of(Box.truth(1, 1, 0, 0, 10, 10, 100, false)), dt);
        assertEquals(0.0, r.map(), 1e-12);
        assertTrue(r.category(1).recall()[0] == 0.0);
    }

    @Test
    void aDifficultVocObjectMissedIsNoMissAndADetectionOnItNoFalsePositive() {
        List<Box> gt = List.of(Box.truth(1, 1, 0, 0, 50, 50, 2500, false), Box.ignored(1, 1, 100, 100, 40, 40));
        CocoEval.Result missed = CocoEval.evaluate(List.of(1), List.of(1), gt, List.of(Box.detection(1, 1, 0, 0, 50, 50, 0.9)));
        assertEquals(1.0, missed.map(), 1e-12);
        assertEquals(1, missed.category(1).truths());
        CocoEval.Result found = CocoEval.evaluate(List.of(1), List.of(1), gt,
                List.of(Box.detection(1, 1, 100, 100, 40, 40, 0.95), Box.detection(1, 1, 0, 0, 50, 50, 0.9)));
        assertEquals(1.0, found.map(), 1e-12);
        assertEquals(1, found.category(1).countsAt(0.5)[1], "the detection on the difficult object is not counted");
    }
}
