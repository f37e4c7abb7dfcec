package dev.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.postprocess.Detection;
import dev.vigil.postprocess.Labels;
import dev.vigil.testing.TestData;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The rules over what the real models see in the shared photos (../shared/test-images/SOURCES.md). */
class RulesOnRealModelsTest {

    static final Instant T0 = Instant.parse("2026-11-21T23:05:01Z");

    static CameraRules personAndAnimal(boolean tracking) {
        Map<String, GroupRule> groups = new LinkedHashMap<>();
        groups.put("person", RuleEngineTest.PERSON);
        groups.put("animal", RuleEngineTest.ANIMAL);
        return new CameraRules(groups, List.of(), List.of(), new Confirm(2, 3), Duration.ZERO, tracking, 0.5f);
    }

    @Test
    void theDetectorsPersonDogAndHorseFireBothGroupsOnceAndTheEmptyStreetNothing() {
        try (Analyzer detector = Analyzer.open(ModelSpec.forFile(TestData.model(TestData.DETECTOR))
                .withLabels(Labels.read(TestData.model("coco_labels.txt"))), Analyzer.Options.defaults(2));
             Mat scene = TestData.read("person_dog_horse.jpg"); Mat street = TestData.read("empty_street.jpg")) {
            RuleEngine rules = new RuleEngine("yard", personAndAnimal(true));
            int person = 0, animal = 0;
            for (int i = 0; i < 6; i++) {
                detector.analyze(scene, 0.3f);
                List<Detection> d = detector.detections().toList(detector::label);
                for (Trigger t : rules.evaluate(d, T0.plusSeconds(i))) {
                    assertEquals(1, i, "confirmed on the second frame of two");
                    if (t.group().equals("person")) {
                        person++;
                        assertEquals("person", t.detection().label());
                    } else {
                        animal++;
                        // The SSD calls the dog a sheep at 0.77 (see ../shared/models/SOURCES.md); either way an animal.
                        assertTrue(RuleEngineTest.ANIMAL.labels().contains(t.detection().label()), t.detection().toString());
                    }
                }
            }
            assertEquals(1, person, "the still scene fires once with tracking");
            assertEquals(1, animal);

            RuleEngine quiet = new RuleEngine("street", personAndAnimal(false));
            for (int i = 0; i < 4; i++) {
                detector.analyze(street, 0.3f);
                assertEquals(List.of(), quiet.evaluate(detector.detections().toList(detector::label), T0.plusSeconds(i)));
            }
        }
    }

    @Test
    void theClassifiersCatFiresACatGroup() {
        try (Analyzer classifier = Analyzer.open(TestData.model(TestData.CLASSIFIER), Analyzer.Options.defaults(2));
             Mat cat = TestData.read("cat.bmp"); Mat hotDog = TestData.read("hot_dog.jpg")) {
            GroupRule cats = new GroupRule("cat", Set.of("tabby", "tiger cat", "Egyptian cat", "Persian cat"), 0.3f, 0f, 1f);
            RuleEngine rules = new RuleEngine("line", new CameraRules(Map.of("cat", cats), List.of(), List.of(),
                    Confirm.ONE_OF_ONE, Duration.ZERO, false, 0.5f));
            classifier.analyze(hotDog, 0f);
            assertEquals(List.of(), rules.evaluateClassification(classifier.topK().toList(classifier::label), T0));
            classifier.analyze(cat, 0f);
            List<Trigger> t = rules.evaluateClassification(classifier.topK().toList(classifier::label), T0.plusSeconds(1));
            assertEquals(1, t.size());
            assertTrue(t.getFirst().detection().label().startsWith("Egyptian cat"), t.getFirst().detection().toString());
        }
    }
}
