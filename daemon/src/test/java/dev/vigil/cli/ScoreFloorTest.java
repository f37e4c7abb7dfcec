package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector's catalog decoding {@code min_score} (0.4 for ssd_mobilenet_v2_oidv4) no longer raises a lower
 * {@code --min-score} or group {@code min_score} without a word: the lower one is honoured, with a warning line.
 */
class ScoreFloorTest {

    static final String WARNING = "--min-score 0.2 is below 0.4, the decoding min_score of ssd_mobilenet_v2_oidv4: honoured,"
            + " though this raw SSD's scores under it are mostly noise and take longer to decode";

    @TempDir Path tmp;

    static List<Double> scores(CliTest.Run r) {
        List<Double> out = new ArrayList<>();
        for (JsonNode line : r.lines()) for (JsonNode d : line.get("detections")) out.add(d.get("score").asDouble());
        return out;
    }

    @Test
    void aLowerMinScoreIsHonouredWithAWarningLine() {
        String[] images = {TestData.image("empty_street.jpg").toString(), TestData.image("astronaut.png").toString(),
                TestData.image("dog_bicycle_car.jpg").toString()};
        CliTest.Run at04 = CliTest.run(concat(new String[] {"detect", "--model", "ssd_mobilenet_v2_oidv4", "--mirror",
                TestData.shared().toString(), "--min-score", "0.4", "--json"}, images));
        assertEquals(0, at04.code(), at04.err());
        assertEquals("", at04.err(), "at the floor: no warning");
        CliTest.Run at02 = CliTest.run(concat(new String[] {"detect", "--model", "ssd_mobilenet_v2_oidv4", "--mirror",
                TestData.shared().toString(), "--min-score", "0.2", "--json"}, images));
        assertEquals(0, at02.code(), at02.err());
        assertEquals("vigil: warning: " + WARNING + "\n", at02.err());
        List<Double> low = scores(at02);
        System.out.println("oidv4 at 0.4: " + scores(at04) + "; at 0.2: " + low);
        assertTrue(low.stream().anyMatch(s -> s >= 0.2 && s < 0.4), "detections between 0.2 and the floor: " + low);
        assertTrue(low.stream().allMatch(s -> s >= 0.2), low.toString());
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
