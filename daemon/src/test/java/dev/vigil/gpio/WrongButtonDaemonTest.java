package dev.vigil.gpio;

import static dev.vigil.gpio.GpioDaemonTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.Event;
import dev.vigil.sampling.Sample;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Seen;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "wrong" button wired into the daemon (mock pins, a fake engine): after a visitor raised events, a press keeps the
 * newest event's frame as a sample marked false_alarm, through the same feedback path as the status page.
 */
class WrongButtonDaemonTest {

    @TempDir
    Path tmp;

    @Test
    void aPressKeepsTheNewestEventsFrameAsAFalseAlarm() throws Exception {
        String yaml = """
                model: %s
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: /replaced, fps: 20 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                gpio:
                  inputs: { wrong: { pin: 6, kind: wrong, pull: up, active_low: true, debounce_ms: 10 } }
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false },
                            flicker: { enabled: false }, novelty: { enabled: false } } }
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), tmp.resolve("ds"));
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of(GpioDaemonTest.STREET, new Seen("car", 0.9f),
                GpioDaemonTest.VISITOR, new Seen("person", 0.8f))), "person", "car");
        GpioDaemonTest.Scene door = new GpioDaemonTest.Scene(Map.of("street", GpioDaemonTest.STREET.frame(320, 240),
                "visitor", GpioDaemonTest.VISITOR.frame(320, 240)), "street");
        Pi4jPins pins = Pi4jPins.mock("test");
        try (Vigil v = Wiring.start(cfg, GpioDaemonTest.parts(fake).withPins(c -> pins).withSources(Map.of("door", door)))) {
            var frames = v.frames();
            await(() -> frames.processed("door") >= 5, 20_000, "the street: " + v.cameraStats());
            door.showing = "visitor";
            await(() -> frames.events("door") >= 3, 20_000, "the visitor raises events: " + v.cameraStats());
            door.showing = "street";
            long seen = frames.processed("door");
            await(() -> frames.processed("door") >= seen + 10, 20_000, "the street again: " + v.cameraStats());
            await(() -> v.events().stats().recorded() == frames.events("door"), 10_000, "every event written");
            Event newest = v.events().recent(1).getFirst();

            pins.mockLevel("wrong", false); // pressed: the button pulls the pin to ground
            await(() -> v.samples().list().stream().anyMatch(s -> s.id().contains("-e")), 10_000, "the press keeps the event's frame");
            List<Sample> own = v.samples().list().stream().filter(s -> s.id().contains("-e")).toList();
            assertEquals(1, own.size(), own.toString());
            Sample s = own.getFirst();
            assertEquals(List.of("feedback", "false_alarm", newest.id()), List.of(s.strategy(), s.feedback(), s.event()));
            assertEquals("person", s.predictions().getFirst().label());
            for (Sample n : v.samples().list()) assertEquals(newest.id(), n.event(), "the frame and its neighbours, all of that event");
            assertTrue(Math.abs(s.time().toEpochMilli() - newest.time().toEpochMilli()) <= 1, s + " / " + newest);
        } finally {
            door.release();
        }
    }
}
