package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil run} refuses a label the model does not have before the engine opens and before anything is recorded. */
class RunChecksLabelsTest {

    @TempDir
    Path tmp;

    Path config(String labels) throws Exception {
        return Files.writeString(tmp.resolve("door.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups: { person: { labels: %s, min_score: 0.5 } }
                    confirm: { frames: 1, of: 1 }
                    cooldown_s: 0
                """.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath(), labels));
    }

    @Test
    void aMisspelledLabelStopsTheStartBeforeTheModelOpensOrAnEventIsRecorded() throws Exception {
        Path file = config("[persn]");
        VigilConfig cfg = ConfigLoader.load(file);
        AtomicInteger opened = new AtomicInteger();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false)
                .withAnalyzers((spec, o) -> {
                    opened.incrementAndGet();
                    return Analyzer.open(spec, o);
                });
        ConfigException e = assertThrows(ConfigException.class, () -> Wiring.start(cfg, parts));
        assertEquals(file + ": cameras.door.groups.person.labels: \"persn\" is not a label of ssd_mobilenet_v1_coco_quant;"
                + " did you mean \"person\"?", e.located());
        assertEquals(2, e.exitCode());
        assertEquals(0, opened.get(), "the engine was never opened");
        assertFalse(Files.exists(tmp.resolve("events")), "nothing recorded, not even the events folder");
    }

    @Test
    void theSameConfigWithTheRightLabelRuns() throws Exception {
        VigilConfig cfg = ConfigLoader.load(config("[person]"));
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false))) {
            assertTrue(v.awaitStopped(Duration.ofSeconds(90)));
            assertTrue(Files.exists(tmp.resolve("events/events.jsonl")), "the people in the test images were recorded");
        }
    }
}
