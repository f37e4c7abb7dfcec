package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload that changes or removes a camera's second stage replaces it between frames and closes the one it replaced. */
class SecondStageReloadTest {

    @TempDir
    Path tmp;

    String yaml(String second) throws Exception {
        Path photos = tmp.resolve("photos");
        if (!Files.exists(photos)) Files.copy(TestData.image("dog.bmp"), Files.createDirectories(photos).resolve("dog.bmp"));
        return """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                events: { dir: %s }
                cameras:
                  yard:
                    source: { folder: %s, fps: 10, loop: true }
                    groups: { dog: { labels: [dog] } }
                %s""".formatted(tmp.resolve("events"), photos, second.indent(4));
    }

    @Test
    void aChangedSecondStageIsReplacedAndTheOldOneClosed() throws Exception {
        Path file = Files.writeString(tmp.resolve("vigil.yaml"), yaml("second_stage: { model: mobilenet_v2_quant, labels: [dog] }"));
        try (Vigil v = Wiring.start(ConfigLoader.load(file, Map.of()),
                Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false))) {
            SecondStage first = v.daemon.pipeline("yard").secondStage();
            assertEquals(0.1f, first.config().margin());

            Files.writeString(file, yaml("second_stage: { model: mobilenet_v2_quant, labels: [dog], margin: 0.3 }"));
            Reload.Result r = v.reload("test");
            assertTrue(r.ok(), r.message());
            assertTrue(r.applied().contains("cameras.yard.second_stage"), r.applied().toString());
            SecondStage second = v.daemon.pipeline("yard").secondStage();
            assertNotSame(first, second);
            assertEquals(0.3f, second.config().margin());
            Analyzer old = first.classifier();
            assertThrows(IllegalStateException.class, () -> old.engine().invoke(), "the replaced classifier was closed");

            Files.writeString(file, yaml(""));
            Reload.Result off = v.reload("test");
            assertTrue(off.ok(), off.message());
            assertNull(v.daemon.pipeline("yard").secondStage());
            assertThrows(IllegalStateException.class, () -> second.classifier().engine().invoke(), "the removed one was closed");
            assertEquals(List.of(), v.configStatus().restartNeeded());
        }
    }
}
