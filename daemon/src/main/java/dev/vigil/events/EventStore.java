package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vigil.events.KeptEvents.Entry;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event record: one JSON line per alarm in {@code events.jsonl} and an annotated JPEG snapshot beside it.
 *
 * <p>Durability ({@link EventJournal}): the snapshot is written to a temporary name, forced and renamed before its
 * line is appended, and the line is one write of a whole line followed by a force; so after a power cut every line is
 * whole and its snapshot exists. A torn last line left by an older crash is repaired at start. Retention
 * ({@link EventRetention}) removes the oldest events (their lines first, through a rewritten journal that replaces the
 * old one by rename, then their snapshots) on a background thread when a limit is passed. A full disk makes room by
 * removing the oldest events and retries once; an event that still cannot be written is logged as lost and the daemon
 * goes on. One store writes to a directory: {@link EventDirectoryLock} refuses a second, in this process or another.
 *
 * <p>Thread-safe: the cameras' inference threads record concurrently; the HTTP API reads {@link #recent} and
 * {@link #snapshot}. One lock guards {@link KeptEvents} and the files.
 */
public final class EventStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

    public static final String JOURNAL = "events.jsonl";

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ExecutorService ownedMaintenance;
    private final SnapshotRenderer renderer = new SnapshotRenderer();
    private final ReentrantLock lock = new ReentrantLock();
    private final KeptEvents kept = new KeptEvents();
    private final EventJournal journal;
    private final EventRetention retention;
    private EventDirectoryLock dirLock;

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closed;
    private final java.util.List<java.util.function.Consumer<Event>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Counters and sizes for metrics. */
    public record Stats(int events, long bytes, long recorded, long lost, long removed) {}

    private EventStore(Path dir, Retention retention, EventFiles files, Clock clock, Executor maintenance,
                       ExecutorService owned) {
        this.dir = dir;
        this.journal = new EventJournal(dir, files);
        this.retention = new EventRetention(retention, clock, maintenance, lock, kept, journal);
        this.ownedMaintenance = owned;
    }

    /**
     * Opens (creating if needed) the events directory on the real file system, retention on a background thread.
     *
     * @throws EventStoreException (one line naming the directory and the fix) when it cannot be created, read or written
     */
    /** The pid of the vigil writing to {@code dir} now (-1 when it has not written its pid yet), or empty. */
    public static java.util.OptionalLong writerOf(Path dir) {
        return EventDirectoryLock.heldBy(dir);
    }

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
        EventDirectory.checkUsable(d);
        // Before the journal is read: loading repairs and cleans the directory, which only its one writer may do.
        EventDirectoryLock dirLock = EventDirectoryLock.acquire(d);
        EventStore store = null;
        try {
            store = new EventStore(d, retention, files, clock, maintenance, owned);
            store.dirLock = dirLock;
            store.sequence.set(store.journal.load(store.kept));
            store.maintain();
            return store;
        } catch (IOException e) {
            store.close();
            throw new EventStoreException(d, "reading " + JOURNAL + " failed (" + EventDirectory.describe(e) + ")", e);
        } catch (RuntimeException e) {
            if (store != null) store.close();
            else dirLock.close();
            throw e;
        }
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
        return record(trigger, detections, frame, sourceRef, null);
    }

    /** As above, the event naming {@code model}, the model that saw it (null: not known). */
    public Optional<Event> record(Trigger trigger, List<Detection> detections, Mat frame, String sourceRef, dev.vigil.pipeline.ModelId model) {
        if (closed) throw new IllegalStateException("event store " + dir + " is closed");
        Detection d = trigger.detection();
        String id = ID_TIME.format(trigger.time()) + "-" + EventDirectory.safe(trigger.camera()) + "-"
                + EventDirectory.safe(trigger.group()) + "-" + String.format("%04d", sequence.incrementAndGet());
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
                box, sourceRef != null ? sourceRef : Event.formatTime(trigger.time()), jpeg != null ? id + ".jpg" : null,
                model == null ? null : model.name(), model == null ? null : model.shortSha(),
                d.sub() == null ? null : d.sub().name(), d.sub() == null ? Double.NaN : Event.round(d.sub().score(), 3));
        String line = event.toJson();
        byte[] lineBytes = (line + "\n").getBytes(UTF_8);

        lock.lock();
        try {
            long snapBytes;
            try {
                snapBytes = journal.write(event, jpeg, lineBytes);
            } catch (IOException first) {
                if (!EventRetention.isDiskFull(first)) return lostEvent(event, first);
                retention.makeRoom(lineBytes.length + (jpeg == null ? 0 : jpeg.length));
                try {
                    snapBytes = journal.write(event, jpeg, lineBytes);
                } catch (IOException second) {
                    return lostEvent(event, second);
                }
            }
            kept.appended(new Entry(event, line, snapBytes), lineBytes.length);
            recorded.incrementAndGet();
            retention.afterAppend();
        } finally {
            lock.unlock();
        }
        log.info("event {} {}/{} {} {}{}{}", event.id(), event.camera(), event.group(), event.label(), event.score(),
                event.subLabel() == null ? "" : " (" + event.subLabel() + " " + event.subScore() + ")",
                event.model() == null ? "" : " by " + event.model() + " (" + event.modelSha256() + ")");
        for (var l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                log.warn("event {}: listener {} failed: {}", event.id(), l.getClass().getSimpleName(), e.toString());
            }
        }
        return Optional.of(event);
    }

    /**
     * Told of each event once it is whole on disk (line and snapshot), on the recording thread: an output (MQTT) only
     * enqueues it.
     */
    public void addListener(java.util.function.Consumer<Event> l) { listeners.add(l); }

    /** The newest events, newest first. */
    public List<Event> recent(int limit) {
        lock.lock();
        try {
            List<Entry> entries = kept.all();
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
        if (id == null || !EventDirectory.SAFE_NAME.matcher(id).matches()) return Optional.empty();
        lock.lock();
        try {
            Entry e = kept.byId(id);
            return e == null ? Optional.empty() : Optional.of(e.event());
        } finally {
            lock.unlock();
        }
    }

    /** The snapshot file of a kept event; empty for an unknown or malformed id (no path ever leaves the directory). */
    public Optional<Path> snapshot(String id) {
        return get(id).map(Event::snapshot).map(journal::inside).filter(Files::isRegularFile);
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(kept.count(), kept.bytes(), recorded.get(), lost.get(), retention.removed());
        } finally {
            lock.unlock();
        }
    }

    /** Applies the retention limits now, on the calling thread (also done at open and, in the background, when passed). */
    public void maintain() {
        retention.maintain();
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
        if (dirLock != null) dirLock.close();
    }

    private Optional<Event> lostEvent(Event event, IOException e) {
        lost.incrementAndGet();
        log.error("event lost: {} {}/{} {} at {} could not be written to {}: {}", event.id(), event.camera(),
                event.group(), event.label(), Event.formatTime(event.time()), dir, EventDirectory.describe(e));
        return Optional.empty();
    }
}
