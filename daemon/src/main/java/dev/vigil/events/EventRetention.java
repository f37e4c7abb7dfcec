package dev.vigil.events;

import static dev.vigil.events.EventDirectory.describe;

import dev.vigil.events.KeptEvents.Entry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the record within its {@link Retention} limits, and makes room when the disk is full. Removal rewrites the
 * journal without the oldest lines (atomically) and deletes their snapshots; the store's lock guards every change.
 */
final class EventRetention {

    // The event record logs as one component, whichever of its classes does the work.
    private static final Logger log = LoggerFactory.getLogger(EventStore.class);

    private final Retention retention;
    private final Clock clock;
    private final Executor maintenance;
    private final ReentrantLock lock;
    private final KeptEvents kept;
    private final EventJournal journal;
    private final AtomicBoolean maintenanceQueued = new AtomicBoolean();
    private final AtomicLong removed = new AtomicLong();

    EventRetention(Retention retention, Clock clock, Executor maintenance, ReentrantLock lock, KeptEvents kept,
                   EventJournal journal) {
        this.retention = retention;
        this.clock = clock;
        this.maintenance = maintenance;
        this.lock = lock;
        this.kept = kept;
        this.journal = journal;
    }

    /** Events removed so far, by retention or for room. */
    long removed() { return removed.get(); }

    /** Applies the limits now, on the calling thread. */
    void maintain() {
        maintenanceQueued.set(false);
        List<Entry> victims;
        lock.lock();
        try {
            victims = selectExpired();
            if (victims.isEmpty()) return;
            List<Entry> keep = kept.without(victims);
            try {
                kept.replace(keep, victims, journal.rewrite(keep, kept.journalBytes()));
            } catch (IOException e) {
                log.warn("events: retention could not rewrite {} ({}); the {} oldest events stay for now",
                        journal.path(), describe(e), victims.size());
                return;
            }
        } finally {
            lock.unlock();
        }
        // Lines first, snapshots after: a crash in between leaves orphan snapshots (removed at start), never a line
        // pointing at a missing file.
        journal.deleteSnapshots(victims);
        removed.addAndGet(victims.size());
        log.info("events: retention removed {} event(s) from {}", victims.size(), journal.dir());
    }

    /** After an event was added (under the lock): runs {@link #maintain} in the background when a limit is passed. */
    void afterAppend() {
        if (overLimits()) scheduleMaintenance();
    }

    /**
     * Under the lock, after a write failed for want of space: removes the oldest events until at least twice the
     * pending event plus a copy of the journal (its rewrite needs the room) is free. Snapshots go first here, as they
     * are what frees space; a line whose snapshot is gone is still a valid event.
     */
    void makeRoom(long needed) {
        long target = 2 * needed + kept.journalBytes();
        List<Entry> all = kept.all();
        long freed = 0;
        int n = 0;
        while (n < all.size() && (freed < target || n == 0)) freed += all.get(n++).size();
        if (n == 0) return; // nothing of ours to give: the disk is full of something else
        List<Entry> victims = new ArrayList<>(all.subList(0, n));
        journal.deleteSnapshots(victims);
        List<Entry> keep = kept.without(victims);
        try {
            kept.replace(keep, victims, journal.rewrite(keep, kept.journalBytes()));
            removed.addAndGet(victims.size());
            log.warn("events: disk full in {}; removed the {} oldest event(s) to make room", journal.dir(), victims.size());
        } catch (IOException e) {
            // The lines stay, without their snapshots; the next retention pass removes them.
            kept.strip(victims);
            log.warn("events: disk full, could not rewrite {} ({}); removed only the snapshots of {} event(s)",
                    journal.path(), describe(e), victims.size());
        }
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }

    private boolean overLimits() {
        if (retention.maxCount() > 0 && kept.count() > retention.maxCount()) return true;
        if (retention.maxBytes() > 0 && kept.bytes() > retention.maxBytes()) return true;
        return retention.limitsAge() && !kept.isEmpty()
                && kept.all().getFirst().event().time().isBefore(clock.instant().minus(retention.maxAge()));
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
        List<Entry> entries = kept.all();
        List<Entry> victims = new ArrayList<>();
        boolean[] gone = new boolean[entries.size()];
        long bytes = kept.bytes();
        int count = entries.size();
        if (retention.limitsAge()) {
            Instant cutoff = clock.instant().minus(retention.maxAge());
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.event().time().isBefore(cutoff)) {
                    gone[i] = true;
                    count--;
                    bytes -= e.size();
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
                bytes -= entries.get(i).size();
            } else {
                break;
            }
        }
        for (int i = 0; i < gone.length; i++) if (gone[i]) victims.add(entries.get(i));
        return victims;
    }
}
