package dev.vigil.config;

import static dev.vigil.config.ConfigErrorsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code cameras.NAME.second_stage} and the groups' {@code sub_labels}: read, defaulted, and refused naming the key. */
class SecondStageConfigTest {

    static String door(String groups, String second) {
        return """
                cameras:
                  door:
                    source: { folder: photos }
                    groups: %s
                %s""".formatted(groups, second.isEmpty() ? "" : ("second_stage: " + second).indent(4));
    }

    static final String DOGS = "{ dog: { labels: [dog], sub_labels: [beagle, malamute], sub_label_min_score: 0.4 } }";

    @Test
    void aSecondStageWithItsDefaults() {
        VigilConfig cfg = ConfigLoader.parse(door(DOGS, "{ model: mobilenet_v2_quant, labels: [dog, bird] }"), Path.of("/etc/vigil"), Map.of());
        CameraConfig door = cfg.cameras().get("door");
        assertEquals(new SecondStageConfig("mobilenet_v2_quant", Set.of("dog", "bird"), 0.1f, 5, 0.1f), door.secondStage());
        assertEquals(Set.of("beagle", "malamute"), door.rules().groups().get("dog").subLabels());
        assertEquals(0.4f, door.rules().groups().get("dog").subLabelMinScore());
    }

    @Test
    void noSecondStageIsNull() {
        VigilConfig cfg = ConfigLoader.parse(door("{ dog: { labels: [dog] } }", ""), Path.of("/etc/vigil"), Map.of());
        assertNull(cfg.cameras().get("door").secondStage());
        assertEquals(Set.of(), cfg.cameras().get("door").rules().groups().get("dog").subLabels());
    }

    @Test
    void eachBadValueNamesItsKey() {
        String dog = "{ dog: { labels: [dog] } }";
        assertEquals("cameras.door.second_stage.model: missing; give a classifier's name, e.g. mobilenet_v2_quant",
                error(door(dog, "{ labels: [dog] }")));
        assertEquals("cameras.door.second_stage.labels: missing; give the detector's labels whose boxes are classified, e.g. [bird, dog]",
                error(door(dog, "{ model: mobilenet_v2_quant }")));
        assertEquals("cameras.door.second_stage.labels: is empty; give the detector's labels whose boxes are classified, e.g. [bird, dog]",
                error(door(dog, "{ model: mobilenet_v2_quant, labels: [] }")));
        assertEquals("cameras.door.second_stage.margin: 1.5 is not within 0..1",
                error(door(dog, "{ model: mobilenet_v2_quant, labels: [dog], margin: 1.5 }")));
        assertEquals("cameras.door.second_stage.max_per_frame: 0 is not within 1..100",
                error(door(dog, "{ model: mobilenet_v2_quant, labels: [dog], max_per_frame: 0 }")));
        assertEquals("cameras.door.second_stage.min_score: 2 is not within 0..1",
                error(door(dog, "{ model: mobilenet_v2_quant, labels: [dog], min_score: 2 }")));
        String typo = error(door(dog, "{ model: mobilenet_v2_quant, labels: [dog], margn: 0.2 }"));
        assertTrue(typo.startsWith("cameras.door.second_stage.margn: ") && typo.contains("margin"), typo);
    }

    @Test
    void subLabelsNeedASecondStageThatClassifiesTheGroupsLabels() {
        assertEquals("cameras.door.groups.dog.sub_labels: needs a second_stage on this camera (second_stage: {model: ..., labels: [dog]})",
                error(door(DOGS, "")));
        assertEquals("cameras.door.groups.dog.sub_labels: label dog of this group is not classified by the second stage; add it to second_stage.labels",
                error(door(DOGS, "{ model: mobilenet_v2_quant, labels: [bird] }")));
        assertEquals("cameras.door.groups.dog.sub_label_min_score: 1.2 is not within 0..1",
                error(door("{ dog: { labels: [dog], sub_labels: [beagle], sub_label_min_score: 1.2 } }", "{ model: m, labels: [dog] }")));
        assertEquals("cameras.door.groups.dog.sub_labels: expected a list of sub-labels, e.g. [golden retriever, beagle], got \"beagle\"",
                error(door("{ dog: { labels: [dog], sub_labels: beagle } }", "{ model: m, labels: [dog] }")));
    }
}
