package dev.vigil.mqtt;

import dev.vigil.events.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event per visit, not per frame: a visit of a camera's group starts with its first recorded event ({@code new}),
 * a later event of the same group while it lasts is an {@code update} when it scores higher (a better snapshot), and it
 * ends ({@code end}) when the group has not matched for the quiet time. Pure state: the caller feeds it and asks it at
 * the times it names; confined to one thread.
 */
final class Visits {

    /** What the MQTT side publishes. {@code visit} is the event id that opened the visit. */
    record Change(Kind kind, Visit visit) {}

    enum Kind { NEW, UPDATE, END, COUNT }

    /** One visit now. Times in the caller's nanos and wall clock. */
    static final class Visit {
        final String id, camera, group;
        final Instant start;
        Instant end, lastSeen;
        long lastSeenNanos;
        Event best;
        int events, count;

        Visit(Event first, long nanos) {
            this.id = first.id();
            this.camera = first.camera();
            this.group = first.group();
            this.start = first.time();
            this.lastSeen = first.time();
            this.lastSeenNanos = nanos;
            this.best = first;
            this.events = 1;
            this.count = 1;
        }
    }

    private final long quietNanos;
    private final Map<String, Visit> open = new LinkedHashMap<>();

    Visits(long quietNanos) {
        this.quietNanos = quietNanos;
    }

    /**
     * An event was recorded (its frame captured at {@code nanos}). A visit quiet for the quiet time by then has ended
     * whether or not its timer ran yet (the worker may be late): its end comes first, then the new visit.
     */
    List<Change> recorded(Event e, long nanos) {
        Visit v = open.get(key(e.camera(), e.group()));
        if (v != null && nanos - v.lastSeenNanos >= quietNanos) {
            open.remove(key(e.camera(), e.group()));
            v.end = v.lastSeen;
            Change end = new Change(Kind.END, v);
            return List.of(end, recorded(e, nanos).getFirst());
        }
        Change c = recordedInVisit(v, e, nanos);
        return c == null ? List.of() : List.of(c);
    }

    private Change recordedInVisit(Visit v, Event e, long nanos) {
        if (v == null) {
            v = new Visit(e, nanos);
            open.put(key(e.camera(), e.group()), v);
            return new Change(Kind.NEW, v);
        }
        v.events++;
        seen(v, e.time(), nanos);
        if (e.score() > v.best.score()) {
            v.best = e;
            return new Change(Kind.UPDATE, v);
        }
        return null;
    }

    /** A frame of {@code camera} in which {@code group} matched {@code count} objects (0: not at all). */
    Change frame(String camera, String group, int count, Instant time, long nanos) {
        Visit v = open.get(key(camera, group));
        if (v == null || count == 0 || nanos - v.lastSeenNanos >= quietNanos) return null; // past the quiet time: ended
        seen(v, time, nanos);
        if (count == v.count) return null;
        v.count = count;
        return new Change(Kind.COUNT, v);
    }

    private static void seen(Visit v, Instant time, long nanos) {
        if (nanos >= v.lastSeenNanos) {
            v.lastSeenNanos = nanos;
            v.lastSeen = time;
        }
    }

    /** Ends every visit quiet for the quiet time at {@code nanos}; the end time is the last sighting. */
    List<Change> expire(long nanos) {
        List<Change> out = new ArrayList<>();
        var it = open.values().iterator();
        while (it.hasNext()) {
            Visit v = it.next();
            if (nanos - v.lastSeenNanos >= quietNanos) {
                it.remove();
                v.end = v.lastSeen;
                out.add(new Change(Kind.END, v));
            }
        }
        return out;
    }

    /** The nanos at which the next visit would end if nothing is seen, or -1 with none open. */
    long nextDeadline() {
        long d = -1;
        for (Visit v : open.values()) {
            long t = v.lastSeenNanos + quietNanos;
            if (d < 0 || t < d) d = t;
        }
        return d;
    }

    /** Ends every open visit now (shutdown): its end is its last sighting. */
    List<Change> endAll() {
        List<Change> out = new ArrayList<>();
        for (Visit v : open.values()) {
            v.end = v.lastSeen;
            out.add(new Change(Kind.END, v));
        }
        open.clear();
        return out;
    }

    Visit open(String camera, String group) { return open.get(key(camera, group)); }

    private static String key(String camera, String group) { return camera + "/" + group; }
}
