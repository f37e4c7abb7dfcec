package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.events.Event;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One event per visit: new, update on a better score, end after the quiet time, to the millisecond. */
class VisitsTest {

    static final long MS = 1_000_000L;
    static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    static Event event(String id, String group, double score, long ms) {
        return new Event(id, T0.plusMillis(ms), "door", group, group, score, new double[] {0, 0, 1, 1}, "f.jpg", id + ".jpg");
    }

    @Test
    void aPersonStayingFiveSecondsIsOneVisitThatEndsExactlyTheQuietTimeAfterTheLastSighting() {
        Visits v = new Visits(2000 * MS);
        Visits.Change first = v.recorded(event("e1", "person", 0.6, 0), 0).getFirst();
        assertEquals(Visits.Kind.NEW, first.kind());
        assertEquals(2000 * MS, v.nextDeadline());
        assertEquals(List.of(), v.recorded(event("e2", "person", 0.5, 500), 500 * MS), "a lower score changes no snapshot");
        Visits.Change better = v.recorded(event("e3", "person", 0.9, 1000), 1000 * MS).getFirst();
        assertEquals(Visits.Kind.UPDATE, better.kind());
        assertEquals("e3", better.visit().best.id());
        assertEquals("e1", better.visit().id, "the visit keeps its first event's id");
        // Frames keep seeing the person (two of them at 3 s) without new events.
        assertNull(v.frame("door", "person", 1, T0.plusMillis(2000), 2000 * MS));
        assertEquals(Visits.Kind.COUNT, v.frame("door", "person", 2, T0.plusMillis(3000), 3000 * MS).kind());
        assertNull(v.frame("door", "person", 0, T0.plusMillis(3500), 3500 * MS), "a frame without the group sees nothing");
        assertEquals(5000 * MS, v.nextDeadline());
        assertTrue(v.expire(4999 * MS).isEmpty(), "one ms before the quiet time is over");
        List<Visits.Change> end = v.expire(5000 * MS);
        assertEquals(1, end.size());
        assertEquals(Visits.Kind.END, end.getFirst().kind());
        assertEquals(T0, end.getFirst().visit().start);
        assertEquals(T0.plusMillis(3000), end.getFirst().visit().end, "the end is the last sighting");
        assertEquals(3, end.getFirst().visit().events);
        assertEquals(-1, v.nextDeadline());
        // After the end, the next event is a new visit.
        Visits.Change again = v.recorded(event("e4", "person", 0.7, 6000), 6000 * MS).getFirst();
        assertEquals(Visits.Kind.NEW, again.kind());
        assertEquals("e4", again.visit().id);
    }

    @Test
    void anEventAfterTheQuietTimeEndsTheOldVisitFirstEvenIfItsTimerHasNotRunYet() {
        Visits v = new Visits(300 * MS);
        v.recorded(event("k1", "person", 0.8, 0), 0);
        assertNull(v.frame("door", "person", 1, T0.plusMillis(300), 300 * MS), "a sighting at the quiet time extends nothing");
        List<Visits.Change> next = v.recorded(event("p1", "person", 0.7, 500), 500 * MS);
        assertEquals(List.of(Visits.Kind.END, Visits.Kind.NEW), next.stream().map(Visits.Change::kind).toList());
        assertEquals("k1", next.get(0).visit().id);
        assertEquals(T0, next.get(0).visit().end);
        assertEquals("p1", next.get(1).visit().id);
        // 299 ms after the last sighting the visit goes on.
        assertEquals(List.of(), v.recorded(event("p2", "person", 0.6, 799), 799 * MS));
    }

    @Test
    void groupsAreVisitedIndependentlyAndShutdownEndsWhatIsOpen() {
        Visits v = new Visits(1000 * MS);
        Visits.Visit cat = v.recorded(event("c1", "animal", 0.8, 0), 0).getFirst().visit();
        v.recorded(event("p1", "person", 0.8, 400), 400 * MS);
        assertEquals(1000 * MS, v.nextDeadline());
        List<Visits.Change> ends = v.expire(1000 * MS);
        assertEquals(1, ends.size());
        assertSame(cat, ends.getFirst().visit());
        assertEquals(1400 * MS, v.nextDeadline());
        List<Visits.Change> rest = v.endAll();
        assertEquals(1, rest.size());
        assertEquals("p1", rest.getFirst().visit().id);
        assertEquals(T0.plusMillis(400), rest.getFirst().visit().end);
    }
}
