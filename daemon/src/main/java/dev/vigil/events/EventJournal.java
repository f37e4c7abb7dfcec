package dev.vigil.events;

import static dev.vigil.events.EventDirectory.describe;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vigil.events.KeptEvents.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of the event record: {@code events.jsonl} and the snapshots beside it. Writes a snapshot before its line,
 * rewrites the journal atomically, and at start repairs what a crash left (temporary files, a torn last line, snapshots
 * without a line). Not thread-safe: called under {@link EventStore}'s lock, or before the store is shared.
 */
final class EventJournal {

    // The event record logs as one component, whichever of its classes does the work.
    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

    private static final Pattern OWN_SNAPSHOT = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z-[A-Za-z0-9_-]+-\\d{4,}\\.jpg");

    private final Path dir;
    private final Path journal;
    private final EventFiles files;

    EventJournal(Path dir, EventFiles files) {
        this.dir = dir;
        this.journal = dir.resolve(EventStore.JOURNAL);
        this.files = files;
    }

    Path dir() { return dir; }

    Path path() { return journal; }

    /** {@code name} as a file directly in the events directory, or null if it is not a plain file name. */
    Path inside(String name) { return EventDirectory.inside(dir, name); }

    // ---- writing

    /** Snapshot first, then the line; returns the snapshot's size. On failure nothing of this event stays. */
    long write(Event event, byte[] jpeg, byte[] line) throws IOException {
        Path snap = event.snapshot() == null ? null : dir.resolve(event.snapshot());
        if (snap != null) files.writeAtomically(snap, jpeg);
        try {
            files.append(journal, line);
        } catch (IOException e) {
            if (snap != null) {
                try {
                    files.delete(snap);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return jpeg == null ? 0 : jpeg.length;
    }

    /** Replaces events.jsonl with the lines of {@code entries}, atomically; returns its new size. */
    long rewrite(List<Entry> entries, long sizeHint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(Math.min(Integer.MAX_VALUE - 16, sizeHint)));
        for (Entry e : entries) {
            out.write(e.line().getBytes(UTF_8));
            out.write('\n');
        }
        byte[] bytes = out.toByteArray();
        files.writeAtomically(journal, bytes);
        return bytes.length;
    }

    void deleteSnapshots(List<Entry> victims) {
        for (Entry v : victims) {
            Path p = v.event().snapshot() == null ? null : inside(v.event().snapshot());
            if (p == null) continue;
            try {
                files.delete(p);
            } catch (IOException e) {
                log.warn("events: could not delete snapshot {}: {}", p, describe(e));
            }
        }
    }

    // ---- start

    /** Reads the record into {@code kept}, repairing what a crash left; returns the highest sequence number in an id. */
    long load(KeptEvents kept) throws IOException {
        int stale = 0;
        List<Path> jpegs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (LocalEventFiles.isTemp(name)) {
                    Files.deleteIfExists(p);
                    stale++;
                } else if (OWN_SNAPSHOT.matcher(name).matches()) {
                    jpegs.add(p);
                }
            }
        }
        if (stale > 0) log.info("events: removed {} temporary file(s) left by an interrupted write in {}", stale, dir);
        long maxSeq = Files.exists(journal) ? loadJournal(kept) : 0;

        int orphans = 0;
        for (Path p : jpegs) {
            String id = p.getFileName().toString().replaceFirst("\\.jpg$", "");
            Entry e = kept.byId(id);
            if (e == null || !p.getFileName().toString().equals(e.event().snapshot())) {
                files.delete(p);
                orphans++;
            }
        }
        if (orphans > 0) log.info("events: removed {} snapshot(s) without an event line in {}", orphans, dir);
        return maxSeq;
    }

    private long loadJournal(KeptEvents kept) throws IOException {
        byte[] all = Files.readAllBytes(journal);
        int end = repairTail(all);
        int bad = 0;
        long maxSeq = 0;
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (all[i] != '\n' && i != end - 1) continue;
            int stop = all[i] == '\n' ? i : i + 1;
            String line = new String(all, start, stop - start, UTF_8);
            start = i + 1;
            if (line.isBlank()) continue;
            Event ev = parseOrNull(line);
            if (ev == null || kept.byId(ev.id()) != null) {
                bad++;
                continue;
            }
            if (ev.snapshot() != null && inside(ev.snapshot()) == null) {
                log.warn("events: event {} names snapshot {}, not a file of {}; ignoring its snapshot", ev.id(),
                        ev.snapshot(), dir);
                ev = ev.withSnapshot(null);
            }
            long snap = 0;
            if (ev.snapshot() != null) {
                try {
                    snap = Files.size(dir.resolve(ev.snapshot()));
                } catch (NoSuchFileException e) {
                    snap = 0;
                }
            }
            kept.add(new Entry(ev, line, snap));
            maxSeq = Math.max(maxSeq, sequenceOf(ev.id()));
        }
        kept.journalBytes(Files.size(journal));
        if (bad > 0)
            log.warn("events: skipped {} unreadable line(s) in {}; they are dropped at the next retention pass", bad, journal);
        return maxSeq;
    }

    /**
     * A last line without its newline is what a crash mid-append leaves: completed when it parses (only the newline was
     * cut), cut off otherwise. Returns how many bytes of {@code all} to read.
     */
    private int repairTail(byte[] all) throws IOException {
        int end = all.length;
        int lastNewline = end - 1;
        while (lastNewline >= 0 && all[lastNewline] != '\n') lastNewline--;
        if (lastNewline == end - 1) return end;
        String tail = new String(all, lastNewline + 1, end - lastNewline - 1, UTF_8);
        if (parseOrNull(tail) != null) {
            files.append(journal, "\n".getBytes(UTF_8));
            log.warn("events: {} ended without a newline; completed its last line", journal);
            return end;
        }
        files.truncate(journal, lastNewline + 1);
        log.warn("events: {} ended in a torn line ({} bytes) from an interrupted write; removed it", journal,
                end - lastNewline - 1);
        return lastNewline + 1;
    }

    private static Event parseOrNull(String line) {
        try {
            return Event.fromJson(line);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long sequenceOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash < 0) return 0;
        try {
            return Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
