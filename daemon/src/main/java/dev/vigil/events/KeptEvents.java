package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events on disk as the store knows them: append order, by id, and the bytes they take. Not thread-safe: every
 * call is made under {@link EventStore}'s lock.
 */
final class KeptEvents {

    /** One kept event: its parsed form, its line as written (kept verbatim on rewrite) and its snapshot's size. */
    record Entry(Event event, String line, long snapshotBytes) {

        /** What removing it frees: the snapshot and the line with its newline. */
        long size() { return snapshotBytes + line.getBytes(UTF_8).length + 1L; }
    }

    private List<Entry> entries = new ArrayList<>();           // append order, oldest first
    private final Map<String, Entry> byId = new HashMap<>();
    private long journalBytes;
    private long snapshotBytes;

    int count() { return entries.size(); }

    boolean isEmpty() { return entries.isEmpty(); }

    /** Oldest first; read-only. */
    List<Entry> all() { return Collections.unmodifiableList(entries); }

    Entry byId(String id) { return byId.get(id); }

    long journalBytes() { return journalBytes; }

    /** The journal and the snapshots together. */
    long bytes() { return journalBytes + snapshotBytes; }

    /** A new event whose line (of {@code lineBytes} with its newline) was appended to the journal. */
    void appended(Entry e, long lineBytes) {
        add(e);
        journalBytes += lineBytes;
    }

    /** An event read from the journal at start; the journal's size is set once it is all read. */
    void add(Entry e) {
        entries.add(e);
        byId.put(e.event().id(), e);
        snapshotBytes += e.snapshotBytes();
    }

    void journalBytes(long bytes) { journalBytes = bytes; }

    /** The entries that stay when {@code victims} go, in order. */
    List<Entry> without(List<Entry> victims) {
        Set<Entry> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(victims);
        List<Entry> keep = new ArrayList<>(Math.max(16, entries.size() - victims.size()));
        for (Entry e : entries) if (!gone.contains(e)) keep.add(e);
        return keep;
    }

    /** The journal was rewritten to {@code keep} ({@code journalBytes} long): the victims are gone. */
    void replace(List<Entry> keep, List<Entry> victims, long journalBytes) {
        entries = keep;
        this.journalBytes = journalBytes;
        for (Entry v : victims) {
            byId.remove(v.event().id());
            snapshotBytes -= v.snapshotBytes();
        }
    }

    /** The victims' snapshots are deleted but their lines stay: they count as events without snapshots. */
    void strip(List<Entry> victims) {
        for (Entry v : victims) {
            Entry bare = new Entry(v.event(), v.line(), 0);
            entries.set(entries.indexOf(v), bare);
            byId.put(v.event().id(), bare);
            snapshotBytes -= v.snapshotBytes();
        }
    }
}
