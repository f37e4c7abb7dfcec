package dev.vigil.mqtt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/**
 * Events and verdicts waiting for the broker, in the order they happened. A message leaves only when the broker
 * acknowledged it and every older one (so after a lost connection everything unacknowledged is sent again, in order:
 * at least once, a duplicate with the same event id). Bounded by count and by age: the oldest go first, counted.
 * Confined to the MQTT worker thread.
 */
final class Outbox {

    /** One message; {@code journalId} is the event journal's id it carries (null for a visit's end or a verdict). */
    static final class Item {
        final String topic;
        final byte[] payload;
        final String journalId;
        final String qcCamera, qcKey; // a QC verdict's station and key (QcCursor), else null
        final long queuedNanos;
        boolean sent, acked;
        long connection, sentNanos;

        Item(String topic, byte[] payload, String journalId, long queuedNanos) {
            this(topic, payload, journalId, null, null, queuedNanos);
        }

        Item(String topic, byte[] payload, String journalId, String qcCamera, String qcKey, long queuedNanos) {
            this.topic = topic;
            this.payload = payload;
            this.journalId = journalId;
            this.qcCamera = qcCamera;
            this.qcKey = qcKey;
            this.queuedNanos = queuedNanos;
        }
    }

    private final Deque<Item> items = new ArrayDeque<>();
    private final int maxCount;
    private final long maxAgeNanos;
    private final int window;
    private long dropped;

    /** @param window messages in flight at once */
    Outbox(int maxCount, long maxAgeNanos, int window) {
        this.maxCount = maxCount;
        this.maxAgeNanos = maxAgeNanos;
        this.window = window;
    }

    void add(Item i) {
        items.addLast(i);
        while (items.size() > maxCount) drop();
    }

    /** Drops what is older than the age bound (not what is in flight now). */
    void expire(long nowNanos) {
        while (!items.isEmpty() && !items.peekFirst().sent && nowNanos - items.peekFirst().queuedNanos > maxAgeNanos) drop();
    }

    private void drop() {
        items.removeFirst();
        dropped++;
    }

    /**
     * Hands the next messages to {@code hand}, in order, within the in-flight window of connection {@code connection},
     * and stops at the first it refuses (not connected, the client's in-flight limit): only a message the client took
     * counts as sent, so none is left marked in flight with no acknowledgement ever to come. Returns how many it took.
     */
    int send(long connection, long nowNanos, Predicate<Item> hand) {
        int inFlight = 0;
        for (Item i : items) {
            if (i.sent && !i.acked && i.connection == connection) inFlight++;
        }
        int handed = 0;
        for (Item i : items) {
            if (inFlight >= window) break;
            if (i.sent && i.connection == connection) continue;
            i.sent = true;
            i.acked = false;
            i.connection = connection;
            i.sentNanos = nowNanos;
            if (!hand.test(i)) {
                i.sent = false;
                break;
            }
            handed++;
            inFlight++;
        }
        return handed;
    }

    /** The next messages {@link #send} would hand over (marked sent), for tests and callers that always take them. */
    List<Item> toSend(long connection) {
        List<Item> out = new ArrayList<>();
        send(connection, 0, out::add);
        return out;
    }

    /**
     * Messages sent on {@code connection} at least {@code timeoutNanos} ago and still not acknowledged go again (the
     * client lost track of them: without this one such message would hold everything behind it until the next
     * reconnect). At least once allows the duplicate. Returns how many.
     */
    int overdue(long connection, long nowNanos, long timeoutNanos) {
        int n = 0;
        for (Item i : items) {
            if (i.sent && !i.acked && i.connection == connection && nowNanos - i.sentNanos >= timeoutNanos) {
                i.sent = false;
                n++;
            }
        }
        return n;
    }

    /**
     * The broker took {@code i} (true) or it failed (false: sent again on the next connection). Returns the messages
     * that leave the box now: the acknowledged head, in order.
     */
    List<Item> done(Item i, boolean ok) {
        if (ok) i.acked = true;
        else i.sent = false;
        List<Item> gone = new ArrayList<>();
        while (!items.isEmpty() && items.peekFirst().acked) gone.add(items.removeFirst());
        return gone;
    }

    /** A connection was lost: everything not acknowledged goes again on the next one. */
    void connectionLost() {
        for (Item i : items) if (!i.acked) i.sent = false;
    }

    int size() { return items.size(); }

    long dropped() { return dropped; }
}
