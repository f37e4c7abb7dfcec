package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.events.Event;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replayed folder through the whole daemon: the detector's dogs get an ImageNet breed, and events carry it. */
class SecondStageRunTest {

    @TempDir
    Path tmp;

    Path config(String subLabels) throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (String p : List.of("dog_bicycle_car.jpg", "dog.bmp")) Files.copy(TestData.image(p), photos.resolve(p));
        return Files.writeString(tmp.resolve("yard.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  yard:
                    source: { folder: %s, fps: 20, loop: false }
                    groups:
                      dog: { labels: [dog], min_score: 0.5 }
                      malamute: { labels: [dog], min_score: 0.5, sub_labels: %s, sub_label_min_score: 0.5 }
                    second_stage: { model: mobilenet_v2_quant, labels: [dog] }
                    confirm: { frames: 1, of: 1 }
                    tracking: false
                """.formatted(tmp.resolve("events"), photos, subLabels));
    }

    @Test
    void eventsOfTheReplayedPhotosCarryTheBreedAndOnlyTheMalamuteFiresItsGroup() throws Exception {
        var cfg = ConfigLoader.load(config("[malamute]"));
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false))) {
            assertTrue(v.awaitStopped(Duration.ofSeconds(90)));
            var registry = v.metrics().registry();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); // the metrics consumer may be a tenth of a second late
            while (registry.find("vigil.second_stage").timer() == null || registry.find("vigil.second_stage").timer().count() < 2) {
                assertTrue(System.nanoTime() < deadline, "the second stage's timer saw both frames");
                Thread.sleep(20);
            }
            assertEquals(2, registry.find("vigil.second_stage").tags("camera", "yard").timer().count());
            assertEquals(2.0, registry.find("vigil.second_stage.crops").tags("camera", "yard", "result", "classified").counter().count());
            assertEquals(0.0, registry.find("vigil.second_stage.crops").tags("camera", "yard", "result", "too_small").counter().count());
        }
        List<Event> events = Files.readAllLines(tmp.resolve("events/events.jsonl")).stream().map(Event::fromJson).toList();
        Map<String, List<String>> byPhoto = events.stream().collect(Collectors.groupingBy(Event::sourceRef,
                Collectors.mapping(Event::group, Collectors.toList())));
        assertEquals(Map.of("dog_bicycle_car.jpg", List.of("dog", "malamute"), "dog.bmp", List.of("dog")), byPhoto);
        for (Event e : events) {
            if (e.sourceRef().equals("dog_bicycle_car.jpg")) {
                assertEquals("malamute, malemute, Alaskan malamute", e.subLabel());
                assertTrue(e.subScore() >= 0.5, e.toString());
            } else {
                // dog.bmp's dog: a breed, though not one the malamute group asks for
                assertTrue(e.subLabel() != null && !e.subLabel().contains("malamute"), e.toString());
            }
        }
        String line = Files.readAllLines(tmp.resolve("events/events.jsonl")).getFirst();
        assertTrue(line.contains("\"sub_label\":\"") && line.contains("\"sub_score\":"), line);
    }

    @Test
    void aMisspelledSubLabelStopsTheStartWithTheClosestName() throws Exception {
        Path file = config("[malamut]");
        var cfg = ConfigLoader.load(file);
        ConfigException e = assertThrows(ConfigException.class,
                () -> Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false)));
        assertEquals(file + ": cameras.yard.groups.malamute.sub_labels: \"malamut\" is not a label of mobilenet_v2_quant; did you mean \"malamute\"?",
                e.located());
    }
}
