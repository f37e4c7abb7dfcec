package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.EventsConfig;
import dev.vigil.control.Control;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import dev.vigil.sampling.FeedbackButton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * The "wrong" button on virtual time: a press that held for its debounce time marks the newest event of its cameras a
 * false alarm through the operator feedback path, once per event; a bounce marks nothing.
 */
class WrongButtonTest extends VirtualGpio {

    /** What the feedback path was asked, as {@code id kind via @ms}. */
    final List<String> marked = Collections.synchronizedList(new ArrayList<>());

    final Control.Feedback feedback = (id, kind, via) -> {
        marked.add(id + " " + kind + " " + via + " @" + nowMs());
        return "event " + id + " marked " + kind;
    };

    Event event(EventStore store, String camera, int second) {
        Detection d = new Detection("person", 0, 0.9f, new float[] {0.1f, 0.1f, 0.5f, 0.9f});
        try (Mat frame = new Mat(48, 64, opencv_core.CV_8UC3, new Scalar(90, 90, 90, 0))) {
            return store.record(new Trigger(camera, "person", d, Instant.parse("2026-11-30T08:00:00Z").plusSeconds(second)), List.of(d), frame, null)
                    .orElseThrow();
        }
    }

    @Test
    void aPressMarksTheNewestEventOfItsCamerasOnceAfterTheDebounceTime() {
        start("""
                gpio:
                  inputs: { wrong: { pin: 6, kind: wrong, pull: up, active_low: true, debounce_ms: 30, cameras: [door] } }
                """);
        try (EventStore store = EventStore.open(tmp.resolve("events"), EventsConfig.DEFAULT_RETENTION)) {
            Event older = event(store, "door", 1);
            Event newest = event(store, "door", 2);
            event(store, "yard", 3); // newer, but another camera's
            stage.onWrong(new FeedbackButton(store, feedback, Runnable::run));

            pins.mockLevel("wrong", false); // pressed (to ground)
            advanceMs(10);
            pins.mockLevel("wrong", true); // a bounce, shorter than 30 ms
            advanceMs(100);
            assertEquals(List.of(), marked, "a 10 ms bounce is no press");

            pins.mockLevel("wrong", false); // at 110 ms
            advanceMs(29);
            assertEquals(List.of(), marked, "not before the debounce time");
            advanceMs(1);
            assertEquals(List.of(newest.id() + " false_alarm gpio input wrong @140"), marked);
            pins.mockLevel("wrong", true); // released: nothing more
            advanceMs(200);
            assertEquals(1, marked.size());

            pins.mockLevel("wrong", false); // pressed again at 340 ms, no newer event: the same frame is not kept twice
            advanceMs(30);
            pins.mockLevel("wrong", true);
            advanceMs(100);
            assertEquals(1, marked.size(), marked.toString());

            Event next = event(store, "door", 4);
            pins.mockLevel("wrong", false); // at 470 ms
            advanceMs(30);
            assertEquals(List.of(newest.id() + " false_alarm gpio input wrong @140", next.id() + " false_alarm gpio input wrong @500"), marked);
            assertEquals(false, marked.toString().contains(older.id()));
        }
    }

    @Test
    void aPressWithNoEventOrARefusalMarksNothingAndSaysWhy() {
        start("""
                gpio:
                  inputs: { wrong: { pin: 6, kind: wrong, debounce_ms: 0 } }
                """);
        try (EventStore store = EventStore.open(tmp.resolve("events"), EventsConfig.DEFAULT_RETENTION)) {
            List<String> said = Collections.synchronizedList(new ArrayList<>());
            FeedbackButton button = new FeedbackButton(store, feedback, Runnable::run);
            stage.onWrong((input, cameras, nanos) -> said.add(button.mark(input, cameras)));
            pins.mockLevel("wrong", true);
            assertEquals(List.of("gpio: input wrong pressed: no event of door to mark"), said);
            pins.mockLevel("wrong", false);

            Event e = event(store, "door", 1);
            FeedbackButton refusing = new FeedbackButton(store, (id, kind, via) -> {
                throw new Control.Refused(Control.Reason.UNAVAILABLE, "the frame of event " + id + " is no longer held");
            }, Runnable::run);
            assertEquals("gpio: input wrong pressed: the frame of event " + e.id() + " is no longer held",
                    refusing.mark("wrong", List.of("door")));
            assertEquals(List.of(), marked);
        }
    }
}
