package dev.vigil.swap;

import dev.vigil.config.SwapConfig;
import dev.vigil.health.Health;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.rules.CameraRules;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap: a model deployed into the running daemon is loaded beside the live one, passes its {@link SelfTest}, and
 * takes over between two frames (no frame lost, no camera touched, the alarm state is the decision stage's and stays).
 * The previous model stays loaded for {@code models.probation_s}; until then inference errors, a slowdown past
 * {@code models.rollback_slowdown} or a stuck loop send the daemon back to it by itself. Then it is closed and its
 * native memory returned.
 *
 * <pre>
 * deploy thread:  load -> self-test (live model runs on) -> switch task --\
 * inference:      frame | frame | [switch] | frame (new model) | ... observe: errors, invoke time -> rollback
 * vigil-swap:     probation end: previous closed; every second: is the loop stuck?
 * </pre>
 */
public final class ModelSwap implements ModelSlot.Observer, MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelSwap.class);
    /** Inference errors of the new model during probation that send the daemon back. */
    static final int ERRORS_TO_ROLL_BACK = 3;
    /** Frames of the new model before its inference time is judged: a median of fewer is noise. */
    static final int SLOW_FRAMES = 15;
    private static final long SLOW_FLOOR_NANOS = 2_000_000;
    private static final long SWITCH_LIMIT_MS = 5000;
    /** A shadow model runs on one frame in this many. */
    static final int SHADOW_EVERY = 10;

    /** Opens a model by catalog name or file, as the daemon's start does (store, labels, engine), and checks its labels. */
    public interface Loader {
        LoadedModel load(String nameOrPath);

        /** Why the model's labels do not fit the cameras' groups (a group's label it does not know), or null. */
        String labelProblem(LoadedModel m);

        /** The model's golden images when the catalog gives them (the model known by its sha256), else none. */
        default List<dev.vigil.model.ModelStore.GoldenImage> golden(LoadedModel m) { return List.of(); }
    }

    /** A model change, for the log's readers elsewhere (MQTT): {@code what} is "switched" or "rollback". */
    public record Change(String what, ModelId now, ModelId from, String reason, Instant time) {}

    /** What {@code /api/status} shows. {@code previous} and {@code probationEnds} are null outside probation. */
    public record Status(LoadedModel current, LoadedModel previous, Instant probationEnds, DeployResult lastDeploy,
                         Instant lastDeployTime, long rollbacks, Shadow.Report shadow) {}

    private final ModelSlot slot;
    private final Loader loader;
    private final SwapConfig config;
    private final Health health;
    private final TimeSource time;
    private final ScheduledExecutorService timers;
    private final ReferenceFrames frames;
    private final Map<String, CameraRules> cameras;
    private volatile Shadow shadow; // read on the inference thread, set between frames
    private final AtomicBoolean deploying = new AtomicBoolean();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final InvokeWindow window = new InvokeWindow(64); // the live model's recent invoke times; inference thread
    // Guarded by lock:
    private LoadedModel previous;
    private Instant probationEnds;
    private ScheduledFuture<?> probationEnd, stuckCheck;
    private double baselineNanos = Double.NaN;
    private int errors;
    private boolean stuckSeen;
    private long rollbackCount;
    private DeployResult lastDeploy;
    private Instant lastDeployTime;
    private SwapMeters meters; // null until bound

    public ModelSwap(ModelSlot slot, Loader loader, SwapConfig config, Map<String, CameraRules> cameras, Health health,
                     TimeSource time, ScheduledExecutorService timers) {
        this.slot = slot;
        this.loader = loader;
        this.config = config;
        this.health = health;
        this.time = time;
        this.timers = timers;
        this.frames = new ReferenceFrames(16, 500_000_000L, cameras);
        this.cameras = Map.copyOf(cameras);
    }

    public void addListener(Consumer<Change> l) { listeners.add(l); }

    /** Recent live frames kept for the next deploy's self-test. */
    int referenceFrames() { return frames.size(); }

    /**
     * Loads {@code r.model()}, tests it and switches to it between two frames, or refuses with one line and leaves the
     * live model running. Blocks for the load and the self-test (seconds); one deploy at a time.
     */
    public DeployResult deploy(DeployRequest r) {
        LoadedModel live = slot.current();
        if (!deploying.compareAndSet(false, true)) return done(r, DeployResult.refused("another deploy is running; retry when it has finished", live.id()), null);
        try {
            LoadedModel candidate;
            try {
                candidate = loader.load(r.model());
            } catch (RuntimeException e) {
                return done(r, DeployResult.refused("model " + r.model() + " cannot be loaded: " + message(e), live.id()), null);
            }
            boolean handedOver = false;
            try {
                List<dev.vigil.model.ModelStore.GoldenImage> golden = loader.golden(candidate);
                SelfTest.Outcome t = SelfTest.run(candidate, live, frames.snapshot(), frames, config.minAgreement(),
                        r.acceptDisagreement() || r.shadow(), loader::labelProblem, golden);
                if (t.refusal() != null)
                    return done(r, DeployResult.refused("model " + candidate.describe() + " failed its self-test: it " + t.refusal(), live.id()), null);
                if (r.shadow()) {
                    startShadow(candidate);
                    handedOver = true;
                    return done(r, new DeployResult(false, "shadowing " + candidate.describe() + " on 1 frame in " + SHADOW_EVERY + " beside "
                            + live.describe() + "; nothing it sees is acted on", live.id(), t.agreement(), true), null);
                }
                String why = switchTo(candidate, live, t.answered());
                if (why != null) return done(r, DeployResult.refused("model " + candidate.describe() + " not switched: " + why, slot.current().id()), null);
                handedOver = true;
                String agreed = Double.isNaN(t.agreement()) ? "agreement not measured" : Math.round(t.agreement() * 100) + "% agreement";
                return done(r, new DeployResult(true, "switched to " + candidate.describe() + " (" + agreed + " on " + (t.frames() - 1)
                        + " recent frames" + (golden.isEmpty() ? "" : ", " + golden.size() + " golden images seen right") + "); " + live.describe() + " stays loaded for " + config.probation().toSeconds() + " s", candidate.id(), t.agreement()), live.id());
            } finally {
                if (!handedOver) candidate.close();
            }
        } finally {
            deploying.set(false);
        }
    }

    /** Hands the model to the loop between two frames; null when it runs now, else why not. */
    private String switchTo(LoadedModel candidate, LoadedModel live, List<ReferenceFrames.Reference> answered) {
        CompletableFuture<String> done = new CompletableFuture<>();
        AtomicInteger claim = new AtomicInteger(); // 0 waiting, 1 taken by the loop, 2 given up by the deploy
        slot.betweenFrames(() -> {
            if (!claim.compareAndSet(0, 1)) return;
            if (slot.current() != live) {
                done.complete("the model changed during the self-test (now " + slot.current().describe() + "); deploy again");
                return;
            }
            try {
                LoadedModel older;
                synchronized (lock) {
                    older = previous;
                    previous = live;
                    baselineNanos = window.median();
                    window.clear();
                    errors = 0;
                    slot.use(candidate);
                    frames.replace(answered);
                    startProbation();
                    refreshInfo();
                }
                if (older != null) closeLater(older, "replaced in probation");
                endShadow("a model was deployed"); // its comparison was with the model that left
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e); // the deploy must not wait for an answer that never comes
            }
        });
        try {
            return done.get(SWITCH_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (claim.compareAndSet(0, 2)) return "the inference loop did not turn within " + SWITCH_LIMIT_MS + " ms" + (health.stuck() == null ? "" : " (" + health.stuck() + ")");
            return done.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (claim.compareAndSet(0, 2)) return "interrupted while waiting for the inference loop";
            return done.join();
        } catch (ExecutionException e) {
            // Whatever failed after the switch (a timer at shutdown), the model the loop runs is not to be closed.
            return slot.current() == candidate ? null : e.getCause().toString();
        }
    }

    /** Holds {@link #lock}. */
    private void startProbation() {
        cancelProbation();
        LoadedModel p = previous;
        long ms = config.probation().toMillis();
        probationEnds = time.clock().instant().plusMillis(ms);
        stuckSeen = false;
        log.info("model {} runs; {} stays loaded for {} s (probation)", slot.current().describe(), p.describe(), ms / 1000);
        probationEnd = timers.schedule(() -> endProbation(p), ms, TimeUnit.MILLISECONDS);
        if (ms > 0) stuckCheck = timers.scheduleWithFixedDelay(this::checkStuck, 1000, 1000, TimeUnit.MILLISECONDS);
    }

    private void cancelProbation() {
        if (probationEnd != null) probationEnd.cancel(false);
        if (stuckCheck != null) stuckCheck.cancel(false);
        probationEnd = stuckCheck = null;
        probationEnds = null;
    }

    private void endProbation(LoadedModel p) {
        synchronized (lock) {
            if (previous != p) return;
            previous = null;
            cancelProbation();
            refreshInfo();
        }
        closeLater(p, "probation over");
    }

    private void checkStuck() {
        String why = health.stuck();
        if (why == null || !(why.startsWith("inference") || why.startsWith("the inference loop"))) return;
        synchronized (lock) {
            if (stuckSeen) return; // said once; the rollback waits for the loop to turn
            stuckSeen = true;
        }
        log.error("model {}: {}; going back to the previous model when the loop turns", slot.current().describe(), why);
        slot.betweenFrames(() -> rollback(why));
    }

    /** On the inference thread after every frame: reference frames, the live model's invoke time, probation's verdict. */
    @Override
    public void frame(LoadedModel used, FrameOutcome o, long nanos) {
        if (used != slot.current()) return;
        switch (o) {
            case FrameResult r -> {
                frames.offer(used, r, nanos);
                window.add(r.timings().inference());
                Shadow sh = shadow;
                if (sh != null) {
                    try {
                        sh.frame(used.analyzer(), r);
                    } catch (RuntimeException e) {
                        endShadow("it failed: " + message(e)); // never the live model's concern
                    }
                }
                double base;
                synchronized (lock) {
                    if (previous == null) return;
                    base = baselineNanos;
                }
                // A floor of 2 ms over the baseline: a tiny model's jitter is a large factor of its fraction of a millisecond.
                double median = window.count() >= SLOW_FRAMES ? window.median() : Double.NaN;
                if (!Double.isNaN(base) && median > config.rollbackSlowdown() * base && median - base > SLOW_FLOOR_NANOS)
                    rollback(String.format(java.util.Locale.ROOT, "inference takes %.1f ms (median of %d frames), over %s x the previous model's %.1f ms",
                            window.median() / 1e6, window.count(), dev.vigil.config.Check.show(config.rollbackSlowdown()), base / 1e6));
            }
            case FrameOutcome.Failed f -> {
                if (!(f.stage().equals("preprocess") || f.stage().equals("inference") || f.stage().equals("postprocess"))) return;
                int n;
                synchronized (lock) {
                    if (previous == null) return;
                    n = ++errors;
                }
                if (n >= ERRORS_TO_ROLL_BACK) rollback(n + " inference errors since the switch, the last: " + f.error());
            }
            case FrameOutcome.Skipped s -> { }
        }
    }

    /** On the inference thread (between frames): back to the previous model. */
    private void rollback(String why) {
        LoadedModel bad, back;
        synchronized (lock) {
            if (previous == null) return;
            bad = slot.current();
            back = previous;
            previous = null;
            cancelProbation();
            slot.use(back);
            window.clear();
            frames.clear();
            errors = 0;
            rollbackCount++;
            if (meters != null) meters.rollback();
            refreshInfo();
        }
        log.warn("model {} rolled back: {}; {} runs again", bad.describe(), why, back.describe());
        tell(new Change("rollback", back.id(), bad.id(), why, time.clock().instant()));
        closeLater(bad, "rolled back");
    }

    /** Frees a model no frame uses any more on the timer thread, not the frame path (a close takes milliseconds). */
    private void closeLater(LoadedModel m, String why) {
        try {
            timers.execute(() -> close(m, why));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close(m, why);
        }
    }

    private static void close(LoadedModel m, String why) {
        try {
            m.close();
            dev.vigil.nativeio.Libc.Heap.trim(); // glibc would keep the model's tensors for itself, in the resident memory
            log.info("model {} closed ({}); its native memory is returned", m.describe(), why);
        } catch (RuntimeException e) {
            log.warn("model {}: close failed: {}", m.describe(), e.toString());
        }
    }

    private DeployResult done(DeployRequest r, DeployResult d, ModelId from) {
        synchronized (lock) {
            lastDeploy = d;
            lastDeployTime = time.clock().instant();
            if (meters != null) meters.deployed(d);
        }
        if (d.switched()) {
            log.info("model deploy from {}: {}", r.via(), d.message());
            tell(new Change("switched", d.model(), from, d.message(), lastDeployTime));
        } else if (d.shadowing()) {
            log.info("model deploy from {}: {}", r.via(), d.message());
        } else {
            log.warn("model deploy of {} from {} refused: {}", r.model(), r.via(), d.message());
        }
        return d;
    }

    private void tell(Change c) {
        for (Consumer<Change> l : listeners) {
            try {
                l.accept(c);
            } catch (RuntimeException e) {
                log.warn("model change listener failed: {}", e.toString());
            }
        }
    }

    public Status status() {
        Shadow sh = shadow;
        synchronized (lock) {
            return new Status(slot.current(), previous, probationEnds, lastDeploy, lastDeployTime, rollbackCount, sh == null ? null : sh.report());
        }
    }

    /** The shadow, set between two frames (its meters with it); one there before is ended. */
    private void startShadow(LoadedModel m) {
        Shadow sh = new Shadow(m, SHADOW_EVERY, cameras);
        slot.betweenFrames(() -> {
            endShadow("another one replaces it");
            synchronized (lock) {
                if (meters != null) sh.bind(meters.registry(), slot.current().id().name());
            }
            shadow = sh;
        });
    }

    /** Ends the shadow, if any; only between frames (or once the loop has ended): it closes the model. */
    private void endShadow(String why) {
        Shadow sh = shadow;
        if (sh == null) return;
        shadow = null;
        sh.close();
        Shadow.Report r = sh.report();
        log.info("shadow model {} ended: {}; it agreed with the live model on {} of {} frames", sh.model.describe(), why, r.agreed(), r.frames());
        closeLater(sh.model, "shadow ended");
    }

    /** {@code vigil.model.info} of the live model, rollbacks and deploys ({@link SwapMeters}). */
    @Override
    public void bindTo(MeterRegistry r) {
        synchronized (lock) {
            meters = new SwapMeters(r);
            refreshInfo();
        }
    }

    /** Holds {@link #lock}. */
    private void refreshInfo() {
        if (meters != null) meters.live(slot.current());
    }

    /**
     * Frees the previous model; call once the loop has ended (the daemon frees the live one). {@code loopEnded} false
     * (a loop hung in a native call) leaves it: freeing memory an invoke may still touch would crash the JVM.
     */
    public void close(boolean loopEnded) {
        LoadedModel p;
        synchronized (lock) {
            p = previous;
            previous = null;
            cancelProbation();
        }
        if (p != null && loopEnded) close(p, "shutdown");
        Shadow sh = shadow;
        if (sh != null && loopEnded) {
            shadow = null;
            sh.close();
            close(sh.model, "shutdown");
        }
    }

    @Override
    public void close() { close(true); }

    private static String message(RuntimeException e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }
}
