package dev.vigil.mqtt;

import dev.vigil.events.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code <prefix>/events} stream, one event per visit ({@code new}, {@code update}, {@code end}; see
 * {@link Visits}), for every output that sends it: MQTT and the webhooks each feed one with the recorded events and
 * the frames' group counts, and take its messages. Confined to the thread of {@code worker}, which also runs the ends
 * of quiet visits.
 */
public final class VisitFeed {

    private static final Logger log = LoggerFactory.getLogger(VisitFeed.class);

    /** Where the messages go. */
    @FunctionalInterface
    public interface Sink {
        /**
         * One message: its {@code type} (new, update, end), its JSON (the {@code <prefix>/events} payload), the journal
         * event it is about (null for an end: no journal line) and the visit's best event (its snapshot is the best).
         */
        void message(String type, byte[] json, String journalId, Event best);
    }

    /** What MQTT keeps beside the stream: retained group states, the best snapshot, the visits of the day. */
    interface Hooks {
        void started(Event e);

        void group(Visits.Visit v, boolean on);

        void best(Event e);
    }

    private static final Hooks NONE = new Hooks() {
        @Override public void started(Event e) {}

        @Override public void group(Visits.Visit v, boolean on) {}

        @Override public void best(Event e) {}
    };

    static final int FRAMES_WAITING = 64;

    private final Visits visits;
    private final java.util.concurrent.atomic.AtomicInteger framesWaiting = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService worker;
    private final LongSupplier nanos;
    private final Sink sink;
    private final Hooks hooks;
    private long timerAt = Long.MAX_VALUE; // when the pending expiry timer fires; MAX_VALUE: none

    /** A visit ends {@code quiet} after its group was last seen; {@code nanos} is the clock of {@code worker}'s delays. */
    public VisitFeed(Duration quiet, ScheduledExecutorService worker, LongSupplier nanos, Sink sink) {
        this(quiet, worker, nanos, sink, NONE);
    }

    VisitFeed(Duration quiet, ScheduledExecutorService worker, LongSupplier nanos, Sink sink, Hooks hooks) {
        this.visits = new Visits(quiet.toNanos());
        this.worker = worker;
        this.nanos = nanos;
        this.sink = sink;
        this.hooks = hooks;
    }

    /**
     * The event record wrote {@code e}, captured at {@code capturedNanos}. A {@code replayed} event (from the journal
     * at start) is a visit of its own, new and end at once: its real end is not in the journal.
     */
    public void recorded(Event e, long capturedNanos, boolean replayed) {
        if (replayed) {
            Visits.Visit v = new Visits(0).recorded(e, capturedNanos).getFirst().visit();
            sink.message("new", Payloads.visit("new", v, e, true), e.id(), v.best);
            v.end = e.time();
            sink.message("end", Payloads.visit("end", v, e, true), null, v.best);
            return;
        }
        boolean sent = false;
        for (Visits.Change ch : visits.recorded(e, capturedNanos)) {
            if (ch.kind() == Visits.Kind.END) end(ch.visit());
            if (ch.kind() != Visits.Kind.NEW) continue;
            hooks.started(e);
            sink.message("new", Payloads.visit("new", ch.visit(), e, false), e.id(), ch.visit().best);
            sent = true;
        }
        Visits.Visit v = visits.open(e.camera(), e.group());
        // Every journal event is one message: a new visit, or an update of the open one (a better snapshot or not).
        if (!sent) sink.message("update", Payloads.visit("update", v, e, false), e.id(), v.best);
        hooks.group(v, true);
        if (v.best == e && e.snapshot() != null) hooks.best(e);
        scheduleExpiry();
    }

    /** A frame of {@code camera} captured at {@code capturedNanos}: how many objects each group matched. */
    public void frame(String camera, Map<String, Integer> counts, Instant time, long capturedNanos) {
        for (var e : counts.entrySet()) {
            Visits.Change ch = visits.frame(camera, e.getKey(), e.getValue(), time, capturedNanos);
            if (ch != null) hooks.group(ch.visit(), true);
        }
    }

    /**
     * On the result bus's thread: counts {@code r}'s objects per group of {@code camera} and hands them to the feed's
     * thread through {@code run}. A thread held up (a slow broker handshake) must not gather frames without bound: past
     * {@link #FRAMES_WAITING} waiting, a frame is skipped, as only the newest counts matter.
     */
    public void offerFrame(dev.vigil.config.CameraConfig camera, dev.vigil.pipeline.FrameResult r, java.util.function.Consumer<Runnable> run) {
        if (camera == null || framesWaiting.get() > FRAMES_WAITING) return;
        Map<String, Integer> counts = GroupMatch.counts(camera.rules(), r.candidates());
        long captured = r.captureNanos();
        framesWaiting.incrementAndGet();
        run.accept(() -> {
            framesWaiting.decrementAndGet();
            frame(r.camera(), counts, r.frameTime(), captured);
        });
    }

    /** Ends every open visit (shutdown). */
    public void endAll() {
        for (Visits.Change ch : visits.endAll()) end(ch.visit());
    }

    Visits.Visit open(String camera, String group) { return visits.open(camera, group); }

    /**
     * One timer at a time, at the earliest deadline: it ends what is quiet and sets the next. (A timer per recorded event
     * that set its successor made one endless chain per event while a group stayed in view: 7200 chains an hour at the
     * demo's rate, the memory and the wake-ups growing with them.)
     */
    private void scheduleExpiry() {
        long deadline = visits.nextDeadline();
        if (deadline < 0 || deadline >= timerAt) return; // the pending timer comes first and sets the next one
        timerAt = deadline;
        worker.schedule(() -> expire(deadline), Math.max(0, deadline - nanos.getAsLong()), TimeUnit.NANOSECONDS);
    }

    private void expire(long at) {
        if (at != timerAt) return; // an earlier timer took over
        timerAt = Long.MAX_VALUE;
        try {
            List<Visits.Change> ended = visits.expire(nanos.getAsLong());
            for (Visits.Change ch : ended) end(ch.visit());
        } catch (RuntimeException e) {
            log.warn("visits: {}", e.toString(), e);
        }
        scheduleExpiry();
    }

    /** Timers pending (tests: at most one). */
    int timers() { return timerAt == Long.MAX_VALUE ? 0 : 1; }

    private void end(Visits.Visit v) {
        sink.message("end", Payloads.visit("end", v, v.best, false), null, v.best);
        hooks.group(v, false);
    }
}
