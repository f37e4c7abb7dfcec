package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The backlog: in order, acknowledged head first, bounded by count and age with the drops counted. */
class OutboxTest {

    static final long MS = 1_000_000L;

    static Outbox.Item item(String id, long ms) {
        return new Outbox.Item("t", id.getBytes(), id, ms * MS);
    }

    static List<String> ids(List<Outbox.Item> items) {
        return items.stream().map(i -> i.journalId).toList();
    }

    @Test
    void aMessageLeavesOnlyWhenItAndEveryOlderOneWereAcknowledged() {
        Outbox o = new Outbox(100, 60_000 * MS, 2);
        o.add(item("a", 0));
        o.add(item("b", 1));
        o.add(item("c", 2));
        List<Outbox.Item> sent = o.toSend(1);
        assertEquals(List.of("a", "b"), ids(sent), "the window: two in flight");
        assertEquals(List.of(), ids(o.done(sent.get(1), true)), "b acknowledged before a: nothing leaves yet");
        List<Outbox.Item> next = o.toSend(1);
        assertEquals(List.of("c"), ids(next), "only a is in flight now: room for c");
        assertEquals(List.of(), ids(o.toSend(1)), "a and c in flight: the window is full");
        assertEquals(List.of("a", "b"), ids(o.done(sent.get(0), true)));
        o.connectionLost();
        assertEquals(List.of("c"), ids(o.toSend(2)), "unacknowledged goes again on the next connection");
        assertEquals(1, o.size());
    }

    @Test
    void theBacklogDropsTheOldestPastItsCountAndAgeAndCountsThem() {
        Outbox o = new Outbox(3, 10_000 * MS, 16);
        for (int i = 0; i < 5; i++) o.add(item("e" + i, i * 1000L));
        assertEquals(3, o.size());
        assertEquals(2, o.dropped());
        o.expire(12_000 * MS); // e2 was queued at 2000 ms: exactly 10 s old, kept
        assertEquals(3, o.size());
        o.expire(12_001 * MS);
        assertEquals(2, o.size());
        assertEquals(3, o.dropped());
        assertEquals(List.of("e3", "e4"), ids(o.toSend(1)));
    }

    @Test
    void aMessageTheClientRefusedIsNotLeftInFlightNorAreTheOnesBehindIt() {
        Outbox o = new Outbox(100, 60_000 * MS, 8);
        for (String id : new String[] {"a", "b", "c", "d"}) o.add(item(id, 0));
        java.util.List<String> handed = new java.util.ArrayList<>();
        // The client takes two, then refuses (its in-flight limit is full).
        assertEquals(2, o.send(1, 0, i -> handed.size() < 2 && handed.add(i.journalId)));
        assertEquals(List.of("a", "b"), handed);
        assertEquals(List.of("c", "d"), ids(o.toSend(1)), "c and d go with the next try, on the same connection");
    }

    @Test
    void aMessageNeverAcknowledgedGoesAgainAfterTheTimeoutOnTheSameConnection() {
        Outbox o = new Outbox(100, 600_000 * MS, 2);
        o.add(item("a", 0));
        o.add(item("b", 0));
        java.util.List<Outbox.Item> first = new java.util.ArrayList<>();
        o.send(7, 1_000 * MS, first::add);
        o.done(first.get(1), true);
        assertEquals(List.of(), ids(o.toSend(7)), "a still in flight");
        assertEquals(0, o.overdue(7, 30_999 * MS, 30_000 * MS), "29.999 s: not yet");
        assertEquals(1, o.overdue(7, 31_000 * MS, 30_000 * MS), "30 s after it was sent, a goes again");
        List<Outbox.Item> again = o.toSend(7);
        assertEquals(List.of("a"), ids(again));
        assertEquals(List.of("a", "b"), ids(o.done(again.get(0), true)), "its acknowledgement releases a and b, in order");
        assertEquals(0, o.size());
    }
}
