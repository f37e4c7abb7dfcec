package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The reference of every key is made by the readers: it has every key they read, each with a meaning, and its defaults are theirs. */
class ConfigReferenceTest {

    @Test
    void everyKeyHasAMeaningAndEveryMeaningAKey() {
        Set<String> keys = ConfigReference.paths();
        Set<String> meant = ConfigReference.meanings().keySet();
        Set<String> missing = new TreeSet<>(keys);
        missing.removeAll(meant);
        Set<String> stale = new TreeSet<>(meant);
        stale.removeAll(keys);
        assertEquals(Set.of(), missing, "keys without a meaning in src/main/resources/config/reference.txt");
        assertEquals(Set.of(), stale, "meanings in src/main/resources/config/reference.txt of keys the readers do not read");
    }

    @Test
    void itIsYamlWithTheReadersDefaultsAndMarksTheExamples() throws Exception {
        String ref = ConfigReference.yaml();
        JsonNode tree = new YAMLMapper().readTree(ref);
        VigilConfig minimal = ConfigLoader.parse("cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }",
                Path.of("/tmp"), java.util.Map.of());
        assertEquals(minimal.inference().threads(), tree.get("threads").asInt());
        assertEquals(minimal.inference().model(), tree.get("model").asText());
        assertEquals(minimal.events().retention().maxCount(), tree.at("/events/retention/max_count").asInt());
        assertEquals(minimal.cameras().get("door").rules().trackIou(), (float) tree.at("/cameras/door/track_iou").asDouble());
        assertEquals("./events", tree.at("/events/dir").asText(), "relative to the config's folder, as the reader resolves it");
        assertTrue(ref.contains("      # the device's format, mjpeg or yuyv; none: the device's default; optional, no default\n"
                + "      pixel_format: mjpeg\n"), ref);
        assertTrue(ref.contains("      # the device path; required, no default\n      device: /dev/video0\n"), ref);
        assertTrue(ref.contains("      # the pull resistor; one of up, down, off\n      pull: \"off\"\n"), ref);
        assertTrue(ref.contains("    # events older than this go; a duration like 7d or 12h (units s, m, h, d, w)\n    max_age: \"30d\"\n"), ref);
    }

    @Test
    void theCopyInDocsIsTheCommandsOutput() throws Exception {
        Path doc = TestData.root().resolve("docs/configuration.md");
        String text = Files.readString(doc);
        int start = text.indexOf("```yaml\n") + "```yaml\n".length();
        int end = text.indexOf("\n```", start);
        assertTrue(start > 7 && end > start, doc + " holds a ```yaml block");
        assertEquals(ConfigReference.yaml(), text.substring(start, end + 1),
                doc + " is stale: regenerate its yaml block with `vigil check-config --print-defaults`");
    }
}
