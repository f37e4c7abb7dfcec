package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event record: one JSON line per alarm in {@code events.jsonl} and an annotated JPEG snapshot beside it.
 *
 * <p>Durability: the snapshot is written to a temporary name, forced and renamed before its line is appended, and the
 * line is one write of a whole line followed by a force; so after a power cut every line is whole and its snapshot
 * exists. A torn last line left by an older crash is repaired at start. Retention removes the oldest events (their lines
 * first, through a rewritten journal that replaces the old one by rename, then their snapshots) on a background thread
 * when a limit is passed. A full disk makes room by removing the oldest events and retries once; an event that still
 * cannot be written is logged as lost and the daemon goes on.
 *
 * <p>Thread-safe: the cameras' inference threads record concurrently; the HTTP API reads {@link #recent} and
 * {@link #snapshot}.
 */
public final class EventStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

    public static final String JOURNAL = "events.jsonl";

    /** Ids and snapshot names: one plain file name, no separators, no leading dot. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern OWN_SNAPSHOT = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z-[A-Za-z0-9_-]+-\\d{4,}\\.jpg");
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Path journal;
    private final Retention retention;
    private final EventFiles files;
    private final Clock clock;
    private final Executor maintenance;
    private final ExecutorService ownedMaintenance;
    private final SnapshotRenderer renderer = new SnapshotRenderer();

    private final ReentrantLock lock = new ReentrantLock();
    private List<Entry> entries = new ArrayList<>();           // append order, oldest first; guarded by lock
    private final Map<String, Entry> byId = new HashMap<>();  // guarded by lock
    private long journalBytes;                                // guarded by lock
    private long snapshotBytes;                               // guarded by lock

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean maintenanceQueued = new AtomicBoolean();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();
    private volatile boolean closed;

    /** One kept event: its parsed form, its line as written (kept verbatim on rewrite) and its snapshot's size. */
    private record Entry(Event event, String line, long snapshotBytes) {}

    /** Counters and sizes for metrics. */
    public record Stats(int events, long bytes, long recorded, long lost, long removed) {}

    private EventStore(Path dir, Retention retention, EventFiles files, Clock clock, Executor maintenance,
                       ExecutorService owned) {
        this.dir = dir;
        this.journal = dir.resolve(JOURNAL);
        this.retention = retention;
        this.files = files;
        this.clock = clock;
        this.maintenance = maintenance;
        this.ownedMaintenance = owned;
    }

    /**
     * Opens (creating if needed) the events directory on the real file system, retention on a background thread.
     *
     * @throws EventStoreException (one line naming the directory and the fix) when it cannot be created, read or written
     */
    public static EventStore open(Path dir, Retention retention) {
        return open(dir, retention, EventFiles.local());
    }

    /** As {@link #open(Path, Retention)} on a given file layer (the wiring's; tests give a slow or full disk). */
    public static EventStore open(Path dir, Retention retention, EventFiles files) {
        ExecutorService bg = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("vigil-events-retention")
                .daemon(true).factory());
        try {
            return open(dir, retention, files, Clock.systemUTC(), bg, bg);
        } catch (RuntimeException e) {
            bg.shutdownNow();
            throw e;
        }
    }

    /** For tests and wiring: the file layer, the clock that ages events and where retention runs are given. */
    public static EventStore open(Path dir, Retention retention, EventFiles files, Clock clock, Executor maintenance) {
        return open(dir, retention, files, clock, maintenance, null);
    }

    private static EventStore open(Path dir, Retention retention, EventFiles files, Clock clock, Executor maintenance,
                                   ExecutorService owned) {
        Path d = dir.toAbsolutePath().normalize();
        checkUsable(d);
        EventStore store = new EventStore(d, retention, files, clock, maintenance, owned);
        try {
            store.load();
        } catch (IOException e) {
            store.renderer.close();
            throw new EventStoreException(d, "reading " + JOURNAL + " failed (" + describe(e) + ")", e);
        }
        store.maintain();
        return store;
    }

    public Path dir() { return dir; }

    /**
     * Records one alarm: an annotated snapshot of {@code frame} (all {@code detections} drawn, the trigger's highlighted;
     * the frame itself is not touched) and one line in events.jsonl.
     *
     * @param sourceRef the image file name for a folder source, else null for the frame's timestamp
     * @return the event, or empty when it could not be written (logged as lost; nothing recorded before is harmed)
     */
    public Optional<Event> record(Trigger trigger, List<Detection> detections, Mat frame, String sourceRef) {
        if (closed) throw new IllegalStateException("event store " + dir + " is closed");
        Detection d = trigger.detection();
        String id = ID_TIME.format(trigger.time()) + "-" + safe(trigger.camera()) + "-" + safe(trigger.group()) + "-"
                + String.format("%04d", sequence.incrementAndGet());
        byte[] jpeg = null;
        try {
            jpeg = renderer.render(frame, detections, d);
        } catch (RuntimeException e) {
            log.warn("event {}: no snapshot, drawing or encoding the frame failed: {}", id, e.toString());
        }
        if (jpeg == null && frame != null)
            log.warn("event {}: no snapshot, the frame could not be encoded as JPEG", id);
        float[] b = d.box();
        double[] box = new double[4];
        for (int i = 0; i < 4; i++) box[i] = Event.round(b[i], 4);
        Event event = new Event(id, trigger.time(), trigger.camera(), trigger.group(), d.label(), Event.round(d.score(), 3),
                box, sourceRef != null ? sourceRef : Event.formatTime(trigger.time()), jpeg != null ? id + ".jpg" : null);
        String line = event.toJson();
        byte[] lineBytes = (line + "\n").getBytes(UTF_8);

        lock.lock();
        try {
            long snapBytes;
            try {
                snapBytes = write(event, jpeg, lineBytes);
            } catch (IOException first) {
                if (!isDiskFull(first)) return lostEvent(event, first);
                long needed = lineBytes.length + (jpeg == null ? 0 : jpeg.length);
                makeRoom(needed);
                try {
                    snapBytes = write(event, jpeg, lineBytes);
                } catch (IOException second) {
                    return lostEvent(event, second);
                }
            }
            Entry e = new Entry(event, line, snapBytes);
            entries.add(e);
            byId.put(event.id(), e);
            journalBytes += lineBytes.length;
            snapshotBytes += snapBytes;
            recorded.incrementAndGet();
            if (overLimits()) scheduleMaintenance();
        } finally {
            lock.unlock();
        }
        log.info("event {} {}/{} {} {}", event.id(), event.camera(), event.group(), event.label(), event.score());
        return Optional.of(event);
    }

    /** The newest events, newest first. */
    public List<Event> recent(int limit) {
        lock.lock();
        try {
            int n = Math.clamp(limit, 0, entries.size());
            List<Event> out = new ArrayList<>(n);
            for (int i = entries.size() - 1; i >= entries.size() - n; i--) out.add(entries.get(i).event());
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** One event by id. */
    public Optional<Event> get(String id) {
        if (id == null || !SAFE_NAME.matcher(id).matches()) return Optional.empty();
        lock.lock();
        try {
            Entry e = byId.get(id);
            return e == null ? Optional.empty() : Optional.of(e.event());
        } finally {
            lock.unlock();
        }
    }

    /** The snapshot file of a kept event; empty for an unknown or malformed id (no path ever leaves the directory). */
    public Optional<Path> snapshot(String id) {
        return get(id).map(Event::snapshot).map(this::inside).filter(Files::isRegularFile);
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(entries.size(), journalBytes + snapshotBytes, recorded.get(), lost.get(), removed.get());
        } finally {
            lock.unlock();
        }
    }

    /** Applies the retention limits now, on the calling thread (also done at open and, in the background, when passed). */
    public void maintain() {
        maintenanceQueued.set(false);
        List<Entry> victims;
        lock.lock();
        try {
            victims = selectExpired();
            if (victims.isEmpty()) return;
            List<Entry> before = entries;
            entries = survivors(victims);
            try {
                rewriteJournal();
            } catch (IOException e) {
                entries = before;
                log.warn("events: retention could not rewrite {} ({}); the {} oldest events stay for now",
                        journal, describe(e), victims.size());
                return;
            }
            forget(victims);
        } finally {
            lock.unlock();
        }
        // Lines first, snapshots after: a crash in between leaves orphan snapshots (removed at start), never a line
        // pointing at a missing file.
        deleteSnapshots(victims);
        removed.addAndGet(victims.size());
        log.info("events: retention removed {} event(s) from {}", victims.size(), dir);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ownedMaintenance != null) {
            ownedMaintenance.shutdown();
            try {
                if (!ownedMaintenance.awaitTermination(10, TimeUnit.SECONDS)) ownedMaintenance.shutdownNow();
            } catch (InterruptedException e) {
                ownedMaintenance.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        renderer.close();
    }

    // ---- writing

    /** Snapshot first, then the line; returns the snapshot's size. On failure nothing of this event stays. */
    private long write(Event event, byte[] jpeg, byte[] line) throws IOException {
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

    private Optional<Event> lostEvent(Event event, IOException e) {
        lost.incrementAndGet();
        log.error("event lost: {} {}/{} {} at {} could not be written to {}: {}", event.id(), event.camera(),
                event.group(), event.label(), Event.formatTime(event.time()), dir, describe(e));
        return Optional.empty();
    }

    /**
     * Removes the oldest events until at least twice the pending event plus a copy of the journal (its rewrite needs the
     * room) is free. Snapshots go first here, as they are what frees space; a line whose snapshot is gone is still a
     * valid event.
     */
    private void makeRoom(long needed) {
        long target = 2 * needed + journalBytes;
        long freed = 0;
        int n = 0;
        while (n < entries.size() && (freed < target || n == 0)) {
            Entry e = entries.get(n++);
            freed += size(e);
        }
        if (n == 0) return; // nothing of ours to give: the disk is full of something else
        List<Entry> victims = new ArrayList<>(entries.subList(0, n));
        deleteSnapshots(victims);
        List<Entry> before = entries;
        entries = survivors(victims);
        try {
            rewriteJournal();
            forget(victims);
            removed.addAndGet(victims.size());
            log.warn("events: disk full in {}; removed the {} oldest event(s) to make room", dir, victims.size());
        } catch (IOException e) {
            // The lines stay, without their snapshots; the next retention pass removes them.
            entries = before;
            for (Entry v : victims) {
                Entry bare = new Entry(v.event(), v.line(), 0);
                entries.set(entries.indexOf(v), bare);
                byId.put(v.event().id(), bare);
                snapshotBytes -= v.snapshotBytes();
            }
            log.warn("events: disk full, could not rewrite {} ({}); removed only the snapshots of {} event(s)",
                    journal, describe(e), victims.size());
        }
    }

    private static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }

    // ---- retention

    private boolean overLimits() {
        if (retention.maxCount() > 0 && entries.size() > retention.maxCount()) return true;
        if (retention.maxBytes() > 0 && journalBytes + snapshotBytes > retention.maxBytes()) return true;
        return retention.limitsAge() && !entries.isEmpty()
                && entries.getFirst().event().time().isBefore(clock.instant().minus(retention.maxAge()));
    }

    private void scheduleMaintenance() {
        if (!maintenanceQueued.compareAndSet(false, true)) return;
        try {
            maintenance.execute(() -> {
                try {
                    maintain();
                } catch (RuntimeException e) {
                    log.warn("events: retention failed: {}", e.toString());
                }
            });
        } catch (RuntimeException e) {
            maintenanceQueued.set(false); // executor shut down: the next event tries again
        }
    }

    /**
     * The events to remove: every one older than max age; then the oldest until the count and the bytes are 10% under
     * their limits, so the journal is rewritten once per tenth of the limit, not on every event.
     */
    private List<Entry> selectExpired() {
        List<Entry> victims = new ArrayList<>();
        boolean[] gone = new boolean[entries.size()];
        long bytes = journalBytes + snapshotBytes;
        int count = entries.size();
        if (retention.limitsAge()) {
            Instant cutoff = clock.instant().minus(retention.maxAge());
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.event().time().isBefore(cutoff)) {
                    gone[i] = true;
                    count--;
                    bytes -= size(e);
                }
            }
        }
        boolean overCount = retention.maxCount() > 0 && count > retention.maxCount();
        boolean overBytes = retention.maxBytes() > 0 && bytes > retention.maxBytes();
        int countTarget = retention.maxCount() - retention.maxCount() / 10;
        long bytesTarget = retention.maxBytes() - retention.maxBytes() / 10;
        for (int i = 0; i < entries.size() && (overCount || overBytes); i++) {
            if (gone[i]) continue;
            if ((overCount && count > countTarget) || (overBytes && bytes > bytesTarget)) {
                gone[i] = true;
                count--;
                bytes -= size(entries.get(i));
            } else {
                break;
            }
        }
        for (int i = 0; i < gone.length; i++) if (gone[i]) victims.add(entries.get(i));
        return victims;
    }

    private static long size(Entry e) { return e.snapshotBytes() + e.line().getBytes(UTF_8).length + 1L; }

    private List<Entry> survivors(List<Entry> victims) {
        java.util.Set<Entry> gone = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        gone.addAll(victims);
        List<Entry> keep = new ArrayList<>(Math.max(16, entries.size() - victims.size()));
        for (Entry e : entries) if (!gone.contains(e)) keep.add(e);
        return keep;
    }

    /** Replaces events.jsonl with the lines of {@link #entries}, atomically. */
    private void rewriteJournal() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(Math.min(Integer.MAX_VALUE - 16, journalBytes)));
        for (Entry e : entries) {
            out.write(e.line().getBytes(UTF_8));
            out.write('\n');
        }
        byte[] bytes = out.toByteArray();
        files.writeAtomically(journal, bytes);
        journalBytes = bytes.length;
    }

    private void forget(List<Entry> victims) {
        for (Entry v : victims) {
            byId.remove(v.event().id());
            snapshotBytes -= v.snapshotBytes();
        }
    }

    private void deleteSnapshots(List<Entry> victims) {
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

    private static void checkUsable(Path d) {
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new EventStoreException(d, whyNotCreated(d, e), e);
        }
        if (!Files.isDirectory(d)) throw new EventStoreException(d, "it is not a directory", null);
        Path journal = d.resolve(JOURNAL);
        if (Files.exists(journal) && !Files.isRegularFile(journal))
            throw new EventStoreException(d, journal + " is not a regular file", null);
        try {
            Path probe = Files.createTempFile(d, ".vigil-probe-", LocalEventFiles.TEMP_SUFFIX);
            Files.delete(probe);
            try (DirectoryStream<Path> ignored = Files.newDirectoryStream(d)) {
                // listing works: snapshots can be found again
            }
            if (Files.exists(journal) && !Files.isReadable(journal))
                throw new AccessDeniedException(journal.toString(), null, "not readable");
        } catch (IOException e) {
            throw new EventStoreException(d, "it is not writable (" + describe(e) + ")", e);
        }
    }

    private static String whyNotCreated(Path d, IOException e) {
        for (Path p = d; p != null; p = p.getParent()) {
            if (Files.exists(p)) return Files.isDirectory(p) ? "it cannot be created (" + describe(e) + ")"
                    : p + " is a file, not a directory";
        }
        return "it cannot be created (" + describe(e) + ")";
    }

    private void load() throws IOException {
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
        if (Files.exists(journal)) loadJournal();

        int orphans = 0;
        for (Path p : jpegs) {
            String id = p.getFileName().toString().replaceFirst("\\.jpg$", "");
            Entry e = byId.get(id);
            if (e == null || !p.getFileName().toString().equals(e.event().snapshot())) {
                files.delete(p);
                orphans++;
            }
        }
        if (orphans > 0) log.info("events: removed {} snapshot(s) without an event line in {}", orphans, dir);
    }

    private void loadJournal() throws IOException {

        byte[] all = Files.readAllBytes(journal);
        int end = all.length;
        int lastNewline = end - 1;
        while (lastNewline >= 0 && all[lastNewline] != '\n') lastNewline--;
        if (lastNewline < end - 1) {
            String tail = new String(all, lastNewline + 1, end - lastNewline - 1, UTF_8);
            Event whole = parseOrNull(tail);
            if (whole != null) {
                // The crash cut only the newline: keep the event.
                files.append(journal, "\n".getBytes(UTF_8));
                log.warn("events: {} ended without a newline; completed its last line", journal);
                end = all.length;
                lastNewline = end;
            } else {
                files.truncate(journal, lastNewline + 1);
                log.warn("events: {} ended in a torn line ({} bytes) from an interrupted write; removed it", journal,
                        end - lastNewline - 1);
                end = lastNewline + 1;
            }
        }
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
            if (ev == null || byId.containsKey(ev.id())) {
                bad++;
                continue;
            }
            if (ev.snapshot() != null && inside(ev.snapshot()) == null) {
                log.warn("events: event {} names snapshot {}, not a file of {}; ignoring its snapshot", ev.id(),
                        ev.snapshot(), dir);
                ev = new Event(ev.id(), ev.time(), ev.camera(), ev.group(), ev.label(), ev.score(), ev.box(),
                        ev.sourceRef(), null);
            }
            long snap = 0;
            if (ev.snapshot() != null) {
                try {
                    snap = Files.size(dir.resolve(ev.snapshot()));
                } catch (NoSuchFileException e) {
                    snap = 0;
                }
            }
            Entry e = new Entry(ev, line, snap);
            entries.add(e);
            byId.put(ev.id(), e);
            snapshotBytes += snap;
            maxSeq = Math.max(maxSeq, sequenceOf(ev.id()));
        }
        journalBytes = Files.size(journal);
        sequence.set(maxSeq);
        if (bad > 0)
            log.warn("events: skipped {} unreadable line(s) in {}; they are dropped at the next retention pass", bad, journal);
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

    /** {@code name} as a file directly in the events directory, or null if it is not a plain file name. */
    private Path inside(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) return null;
        Path p = dir.resolve(name).normalize();
        return dir.equals(p.getParent()) ? p : null;
    }

    /** A camera or group name as it may appear in an id and a file name. */
    private static String safe(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }

    private static String describe(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied on " + a.getFile();
            case NotDirectoryException n -> n.getFile() + " is not a directory";
            case FileAlreadyExistsException f -> f.getFile() + " exists and is not a directory";
            case NoSuchFileException n -> n.getFile() + " does not exist";
            case FileSystemException f -> (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName())
                    + (f.getFile() != null ? " on " + f.getFile() : "");
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
