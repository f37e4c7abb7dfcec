package dev.vigil.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.postprocess.Labels;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A config's group and QC labels against the model's own: a typo never passes, and the message names the fix. */
class LabelCheckTest {

    static final Labels COCO = Labels.read(TestData.model("coco_labels.txt"));
    static final Labels IMAGENET = Labels.read(TestData.model("imagenet_labels.txt"));

    static VigilConfig doorbell(String labels) {
        return ConfigLoader.parse("""
                cameras:
                  door:
                    source: { folder: x }
                    groups:
                      animal: { labels: [cat, dog] }
                      person: { labels: %s }
                """.formatted(labels), Path.of("."), Map.of());
    }

    /** The packaged factory-line example with other QC labels. */
    static VigilConfig factoryLine(String ok, String ng) {
        try {
            String yaml = Files.readString(TestData.root().resolve("config/factory-line.yaml"))
                    .replace("ok_labels: [\"water bottle\"]", "ok_labels: " + ok)
                    .replace("ng_labels: [\"beer bottle\", \"wine bottle\", \"pop bottle, soda bottle\", \"pill bottle\"]\n    min_score",
                            "ng_labels: " + ng + "\n    min_score");
            return ConfigLoader.parse(yaml, Path.of("."), Map.of());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aMisspelledGroupLabelIsRefusedWithTheClosestLabel() {
        ConfigException e = assertThrows(ConfigException.class, () -> LabelCheck.check(doorbell("[persn]"), COCO, "ssd_mobilenet_v1_coco_quant"));
        assertEquals("cameras.door.groups.person.labels: \"persn\" is not a label of ssd_mobilenet_v1_coco_quant; did you mean \"person\"?",
                e.getMessage());
    }

    @Test
    void caseIsIgnoredForTheSuggestionButNotForTheMatch() {
        // The rule engine compares exactly: "Person" would never fire on COCO's "person".
        ConfigException e = assertThrows(ConfigException.class, () -> LabelCheck.check(doorbell("[Person]"), COCO, "coco"));
        assertEquals("cameras.door.groups.person.labels: \"Person\" is not a label of coco; did you mean \"person\"?", e.getMessage());
    }

    @Test
    void aLabelFarFromEveryNameGetsNoGuess() {
        ConfigException e = assertThrows(ConfigException.class, () -> LabelCheck.check(doorbell("[postman]"), COCO, "coco"));
        assertEquals("cameras.door.groups.person.labels: \"postman\" is not a label of coco; see the model's label file for its names",
                e.getMessage());
    }

    @Test
    void theModelsOwnLabelsPass() {
        LabelCheck.check(doorbell("[person, \"traffic light\"]"), COCO, "coco");
    }

    @Test
    void closestNeedsTheWordToBeNearEnough() {
        Set<String> names = Set.of("person", "bicycle", "cat");
        assertEquals(Optional.of("person"), LabelCheck.closest("persn", names));
        assertEquals(Optional.of("cat"), LabelCheck.closest("CAT", names));
        assertEquals(Optional.empty(), LabelCheck.closest("dog", names), "one edit of three letters would be a guess");
        assertEquals(Optional.empty(), LabelCheck.closest("motorbike", names));
    }

    @Test
    void qcLabelsMayNameOnePartOfAnImagenetLabel() {
        VigilConfig ok = factoryLine("[\"water bottle\"]", "[\"pop bottle, soda bottle\", hotdog]");
        LabelCheck.check(ok, IMAGENET, "mobilenet_v2_quant");
        VigilConfig typo = factoryLine("[\"water botle\"]", "[hotdog]");
        ConfigException e = assertThrows(ConfigException.class, () -> LabelCheck.check(typo, IMAGENET, "mobilenet_v2_quant"));
        assertEquals("qc.line1.ok_labels: \"water botle\" is not a label of mobilenet_v2_quant; did you mean \"water bottle\"?", e.getMessage());
    }
}
