package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.events.Event;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feed's visit timers: one at a time however long a group stays in view, and the end exactly on time. */
class VisitFeedTest {

    @Test
    void aGroupInViewForAnHourKeepsOneTimerAndEndsExactlyTheQuietTimeAfterItsLastSighting() {
        VirtualTime vt = new VirtualTime();
        List<String> messages = new ArrayList<>();
        List<Long> endsAtMs = new ArrayList<>();
        VisitFeed feed = new VisitFeed(Duration.ofSeconds(10), vt.scheduler(), vt::nanoTime, (type, json, id, best) -> {
            messages.add(type);
            if (type.equals("end")) endsAtMs.add(vt.elapsed().toMillis());
        });
        int maxPending = 0;
        // The demo's rate: an event every 500 ms for an hour, the person never leaving.
        for (int i = 0; i < 7200; i++) {
            Event e = new Event("e" + i, vt.instant(), "door", "person", "person", 0.6, new double[] {0, 0, 1, 1}, "f.jpg", null);
            feed.recorded(e, vt.nanoTime(), false);
            maxPending = Math.max(maxPending, vt.pending());
            vt.advance(Duration.ofMillis(500));
        }
        assertEquals(1, maxPending, "timers pending at most");
        assertEquals(1, feed.timers());
        assertEquals(List.of(), endsAtMs, "in view all the time: no end yet");
        // The last sighting was at 3_599_500 ms: the visit ends at 3_609_500 ms, not a millisecond earlier.
        vt.advance(Duration.ofMillis(3_609_499 - vt.elapsed().toMillis()));
        assertEquals(List.of(), endsAtMs);
        vt.advance(Duration.ofMillis(1));
        assertEquals(List.of(3_609_500L), endsAtMs);
        assertEquals(0, vt.pending(), "no timer left once every visit ended");
        assertEquals("new", messages.getFirst());
        assertEquals(7201, messages.size(), "one new, 7199 updates, one end");
        assertTrue(messages.subList(1, 7200).stream().allMatch("update"::equals));
    }
}
