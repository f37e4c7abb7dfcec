package dev.vigil.cli;

import static dev.vigil.cli.CheckConfigCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config resolves each camera's second-stage model and checks the groups' sub_labels against its labels. */
class CheckConfigSecondStageTest {

    @TempDir
    Path tmp;

    Path yard(String model, String detectorLabels, String subLabels) throws Exception {
        Files.createDirectories(tmp.resolve("yard"));
        return Files.writeString(tmp.resolve("yard.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                http: { listen: "127.0.0.1:0" }
                cameras:
                  yard:
                    source: { folder: yard }
                    groups: { husky: { labels: [dog], sub_labels: %s } }
                    second_stage: { model: %s, labels: %s }
                """.formatted(subLabels, model, detectorLabels));
    }

    @Test
    void aSubLabelTheClassifierDoesNotHaveIsRefusedWithTheClosestOne() throws Exception {
        Path file = yard("mobilenet_v2_quant", "[dog]", "[Siberian huskey]");
        var r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals(file + ": cameras.yard.groups.husky.sub_labels: \"Siberian huskey\" is not a label of mobilenet_v2_quant;"
                + " did you mean \"Siberian husky\"?\n", r.err());
        var fixed = run(yard("mobilenet_v2_quant", "[dog]", "[Siberian husky]").toString());
        assertEquals(0, fixed.code(), fixed.err());
        assertEquals("", fixed.err());
    }

    @Test
    void aSecondStageLabelTheDetectorDoesNotHaveIsRefused() throws Exception {
        Path file = yard("mobilenet_v2_quant", "[dog, dogg]", "[malamute]");
        var r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals(file + ": cameras.yard.second_stage.labels: \"dogg\" is not a label of ssd_mobilenet_v1_coco_quant;"
                + " did you mean \"dog\"?\n", r.err());
    }

    @Test
    void aDetectorAsSecondStageOrAnUnknownModelIsRefused() throws Exception {
        Path file = yard("ssd_mobilenet_v1_coco_quant", "[dog]", "[malamute]");
        var r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals(file + ": cameras.yard.second_stage.model: ssd_mobilenet_v1_coco_quant is a detector, not a classifier;"
                + " give a classifier, e.g. mobilenet_v2_quant\n", r.err());
        Path unknown = yard("mobilenet_v9", "[dog]", "[malamute]");
        var u = run(unknown.toString());
        assertEquals(2, u.code());
        assertEquals(true, u.err().startsWith(unknown + ": cameras.yard.second_stage.model: "), u.err());
    }
}
