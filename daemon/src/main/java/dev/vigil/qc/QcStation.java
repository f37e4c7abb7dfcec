package dev.vigil.qc;

import dev.vigil.capture.Frame;
import dev.vigil.config.QcConfig;
import dev.vigil.metrics.LatencyLog;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One quality-control station: a light barrier's rising edge announces a part; the first frame of the camera captured
 * at or after the edge is judged ({@link QcRules}); an NG part is pushed off the line by the reject output
 * {@code delay} after the edge (not after inference, so inference time does not move the push), for {@code pulse}.
 *
 * <p>Several parts can be between camera and rejector: each push is its own timer task, so parts in flight never wait
 * for each other and the inference thread never waits for a push. A part whose frame does not come within
 * {@code max_wait} (the camera stalled, the next part came first) is UNCERTAIN.
 *
 * <p>Threads: {@link #edge} on the input's thread; {@link #skip} and {@link #frameProcessed} on the inference thread;
 * pushes on the GPIO pin thread, expiries on the timer thread.
 */
public final class QcStation {

    private static final Logger log = LoggerFactory.getLogger(QcStation.class);

    /** Pushes a part off the line: pulses the reject output now. */
    @FunctionalInterface
    public interface Rejector {
        void push(Duration pulse, long captureNanos);
    }

    /** Told of every judged part (metrics). Called on the inference or GPIO thread: be quick. */
    @FunctionalInterface
    public interface Listener {
        void part(QcResult r);
    }

    private record Part(long number, long edgeNanos, Instant edgeTime) {}

    /** What a config reload replaces, whole: a part is judged and pushed with one of them, never a mix. */
    private record Settings(QcConfig config, QcRules rules, Rejector rejector) {
        Settings(QcConfig config, Rejector rejector) {
            this(config, new QcRules(config.okLabels(), config.ngLabels(), config.okMinScore(), config.ngMinScore()), rejector);
        }
    }

    private volatile Settings settings;
    private final ScheduledExecutorService pushes, timer;
    private final QcAudit audit;
    private final TimeSource time;
    private final Deque<Part> waiting = new ArrayDeque<>(); // guarded by itself
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong parts = new AtomicLong(), ok = new AtomicLong(), ng = new AtomicLong(), uncertain = new AtomicLong(),
            pushed = new AtomicLong(), late = new AtomicLong();
    /** Push time minus due time (edge + delay): how exactly the rejector is hit. */
    private final LatencyLog pushError = new LatencyLog(1024);

    /**
     * @param pushes runs the pushes at their due time (the GPIO pin thread: nothing else there delays them)
     * @param timer  runs the rest (parts that got no frame)
     * @param time   the clock of the edges, frames and pushes (the GPIO stage's)
     */
    public QcStation(QcConfig config, Rejector rejector, ScheduledExecutorService pushes, ScheduledExecutorService timer,
                     QcAudit audit, TimeSource time) {
        this.settings = new Settings(config, rejector);
        this.pushes = pushes;
        this.timer = timer;
        this.audit = audit;
        this.time = time;
    }

    public String camera() { return settings.config().camera(); }

    public QcConfig config() { return settings.config(); }

    /**
     * New labels, scores, timing or reject output for the same camera (a config reload): parts already waiting are
     * judged with the new rules; a push already scheduled keeps its time and output.
     */
    public void reconfigure(QcConfig config, Rejector rejector) {
        if (!config.camera().equals(camera())) throw new IllegalArgumentException("qc station of " + camera() + " given " + config.camera());
        settings = new Settings(config, rejector);
    }

    public void addListener(Listener l) { listeners.add(l); }

    /** The trigger's rising edge at {@code edgeNanos} (the time source's nanos of the raw edge, before debouncing). */
    public void edge(long edgeNanos) {
        QcConfig config = settings.config();
        Instant when = time.clock().instant().minusNanos(Math.max(0, time.nanoTime() - edgeNanos));
        Part p = new Part(parts.incrementAndGet(), edgeNanos, when);
        synchronized (waiting) {
            waiting.addLast(p);
        }
        log.debug("qc {}: part {} at the trigger", config.camera(), p.number());
        timer.schedule(() -> expire(p), Math.max(0, edgeNanos + config.maxWait().toNanos() - time.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The frame gate: inference only while a part waits for its frame. */
    public String skip() {
        synchronized (waiting) {
            return waiting.isEmpty() ? "trigger" : null;
        }
    }

    /**
     * A frame of this station's camera went through inference: if it was captured at or after a waiting part's edge,
     * it judges the newest such part; parts before that one got no frame of their own and are UNCERTAIN.
     */
    public void frameProcessed(Frame f, FrameResult result) {
        Settings st = settings;
        Part judged = null;
        List<Part> missed = new ArrayList<>();
        synchronized (waiting) {
            while (!waiting.isEmpty() && waiting.peekFirst().edgeNanos() <= result.captureNanos()) {
                if (judged != null) missed.add(judged);
                judged = waiting.pollFirst();
            }
        }
        for (Part p : missed) finish(st, p, new QcRules.Decision(Verdict.UNCERTAIN, null), null, 0, "no frame before the next part", null);
        if (judged == null) return;
        List<QcRules.Candidate> seen = new ArrayList<>();
        for (Detection d : result.candidates()) seen.add(new QcRules.Candidate(d.label(), d.score()));
        QcRules.Decision d = st.rules().decide(seen);
        Mat copy = keepSnapshot(st.config(), d.verdict()) && f != null ? f.bgr().clone() : null;
        finish(st, judged, d, copy, result.captureNanos(), result.sourceRef(), result.model());
    }

    private static boolean keepSnapshot(QcConfig config, Verdict v) {
        return switch (config.snapshots()) {
            case ALL -> true;
            case NG -> v != Verdict.OK;
            case NONE -> false;
        };
    }

    private void expire(Part p) {
        Settings st = settings;
        boolean removed;
        synchronized (waiting) {
            removed = waiting.remove(p);
        }
        if (removed) finish(st, p, new QcRules.Decision(Verdict.UNCERTAIN, null), null, 0,
                "no frame within " + st.config().maxWait().toMillis() + " ms", null);
    }

    private void finish(Settings st, Part p, QcRules.Decision d, Mat snapshot, long frameNanos, String sourceRefOrReason,
                        dev.vigil.pipeline.ModelId model) {
        QcConfig config = st.config();
        Rejector rejector = st.rejector();
        long now = time.nanoTime();
        Verdict v = d.verdict();
        (v == Verdict.OK ? ok : v == Verdict.NG ? ng : uncertain).incrementAndGet();
        boolean push = v == Verdict.NG || (v == Verdict.UNCERTAIN && config.rejectUncertain());
        long due = p.edgeNanos() + config.delay().toNanos();
        boolean isLate = push && due < now;
        if (push && !isLate) {
            pushes.schedule(() -> {
                long at = time.nanoTime();
                rejector.push(config.pulse(), frameNanos);
                pushed.incrementAndGet();
                pushError.record(at - due);
            }, due - now, TimeUnit.NANOSECONDS);
        } else if (isLate) {
            late.incrementAndGet();
            log.error("qc {}: part {} is {} but its verdict came {} ms after the push was due (delay_ms {}): not pushed; "
                    + "raise qc.{}.delay_ms or move the rejector further down the line", config.camera(), p.number(), v,
                    (now - due) / 1_000_000, config.delay().toMillis(), config.camera());
        }
        boolean noFrame = frameNanos == 0;
        String label = d.by() == null ? null : d.by().label();
        float score = d.by() == null ? 0f : d.by().score();
        QcResult r = new QcResult(config.camera(), p.number(), v, label, score, p.edgeTime(), p.edgeNanos(), frameNanos, now,
                push && !isLate ? due : 0, isLate, noFrame ? null : sourceRefOrReason, noFrame ? sourceRefOrReason : null, model);
        log.info("qc {}: part {} {}{}{}", config.camera(), p.number(), v, label == null ? "" : " (" + label + " " + String.format(java.util.Locale.ROOT, "%.2f", score) + ")",
                push && !isLate ? ", push in " + Math.max(0, (due - now) / 1_000_000) + " ms" : noFrame ? ": " + sourceRefOrReason : "");
        if (audit != null) audit.append(r, snapshot);
        else if (snapshot != null) snapshot.close();
        for (Listener l : listeners) {
            try {
                l.part(r);
            } catch (RuntimeException e) {
                log.warn("qc listener failed: {}", e.toString());
            }
        }
    }

    public QcCounts counts() { return new QcCounts(ok.get(), ng.get(), uncertain.get(), pushed.get(), late.get()); }

    /** Actual push time minus due time (edge + delay) of the recent pushes. */
    public LatencyLog pushError() { return pushError; }

    /** Parts announced by the trigger and still waiting for their frame. */
    public int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    public QcAudit audit() { return audit; }
}
