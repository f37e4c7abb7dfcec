package dev.vigil.daemon;

import dev.vigil.capture.CameraStats;
import dev.vigil.capture.Frame;
import dev.vigil.capture.FrameSignal;
import dev.vigil.consumer.ResultBus;
import dev.vigil.decision.DecisionStage;
import dev.vigil.health.Health;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.ModelId;
import dev.vigil.swap.LoadedModel;
import dev.vigil.swap.ModelSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling loop: one inference thread serves every camera, one frame per turn.
 *
 * <pre>
 * capture-&lt;camera&gt; threads (latest frame wins)
 *    -> inference thread: gates -> motion -> preprocess -> inference -> postprocess -> rules  = FrameOutcome
 *                         -> decision stage (alarm state, QC verdicts, outputs: at once)
 *                         -> result bus (event journal, live view, metrics: each from its own bounded queue)
 * </pre>
 *
 * The cameras take turns, starting after the camera served last, so a busy camera cannot starve a quiet one; a camera
 * whose frames come faster than inference simply drops the stale ones. Built by {@link Wiring}.
 */
public final class Daemon implements ModelSlot, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** The longest idle wait: the loop turns at least this often, which is what the health model watches. */
    private static final Duration IDLE_WAIT = Duration.ofMillis(200);
    /** Above a camera's own close limit (1.9 s), so only a close that hangs outside the capture thread is left. */
    private static final Duration CAMERAS_CLOSE_LIMIT = Duration.ofMillis(2500);

    private final List<CameraPipeline> cameras;
    /** Written on the inference thread (or before it starts, after it ends); read by status readers. */
    private volatile LoadedModel current;
    private final ConcurrentLinkedQueue<Runnable> between = new ConcurrentLinkedQueue<>();
    private volatile ModelSlot.Observer observer;
    private final List<FrameGate> gates;
    private final DecisionStage decisions;
    private final ResultBus bus;
    private final Health health;
    private final FrameSignal signal;
    private final boolean once;
    /** The time source's clock: frames are stamped with it at capture, so every interval is measured on it. */
    private final LongSupplier nanos;
    private final Thread inference;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;
    /** A change the loop runs before its next frame (a config reload); see {@link #betweenFrames(Runnable, Duration)}. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.FutureTask<?>> change =
            new java.util.concurrent.atomic.AtomicReference<>();

    Daemon(List<CameraPipeline> cameras, LoadedModel model, List<FrameGate> gates, DecisionStage decisions,
           ResultBus bus, Health health, FrameSignal signal, boolean once, LongSupplier nanos) {
        this.nanos = nanos;
        this.cameras = List.copyOf(cameras);
        this.current = model;
        this.gates = List.copyOf(gates);
        this.decisions = decisions;
        this.bus = bus;
        this.health = health;
        this.signal = signal;
        this.once = once;
        this.inference = Thread.ofPlatform().name("inference").unstarted(this::loop);
    }

    void start() {
        health.modelLoaded();
        health.loopTurned(nanos.getAsLong());
        inference.start();
    }

    private void loop() {
        int next = 0;
        try {
            while (running) {
                runChange();
                long seen = signal.version();
                health.loopTurned(nanos.getAsLong());
                runBetween();
                boolean any = false;
                int n = cameras.size();
                // One frame per pass, starting after the camera served last: when several cameras have frames they
                // take turns, and a camera with nothing new never holds up the others.
                for (int k = 0; k < n && running; k++) {
                    int i = (next + k) % n;
                    CameraPipeline cp = cameras.get(i);
                    dev.vigil.capture.Camera cam = cp.camera;
                    Frame f = cam.poll();
                    if (f == null) continue;
                    any = true;
                    next = (i + 1) % n;
                    try {
                        process(cp, f);
                    } finally {
                        cam.release(f);
                    }
                    break;
                }
                if (!any) {
                    if (once && cameras.stream().allMatch(c -> c.camera.ended())) break;
                    signal.await(seen, IDLE_WAIT);
                }
            }
            health.loopStopped(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            health.loopStopped(null);
        } catch (Throwable t) {
            failure = t;
            health.loopStopped(t.toString());
            log.error("inference stopped: {}", t.toString());
        } finally {
            runChange(); // a change that came as the loop ended: no frame is in flight now either
            stopped.countDown();
            runBetween(); // a task queued as the loop ended runs here rather than never
        }
    }

    private void runBetween() {
        for (Runnable t; (t = between.poll()) != null; ) {
            try {
                t.run();
            } catch (RuntimeException e) {
                log.warn("a task between frames failed: {}", e.toString());
            }
        }
    }

    @Override
    public LoadedModel current() { return current; }

    @Override
    public void betweenFrames(Runnable task) {
        between.add(task);
        if (loopEnded()) runBetween(); // not started, or ended (its last drain may be past): nobody else will
        else signal.signal();                    // an idle loop wakes now, not after its idle wait
    }

    @Override
    public void use(LoadedModel model) { current = model; }

    /** Told of every frame's outcome on the inference thread (the hot swap's reference frames and probation). */
    public void observe(ModelSlot.Observer o) { observer = o; }

    private void process(CameraPipeline cp, Frame f) {
        LoadedModel m = current;
        FrameOutcome o = cp.analyze(f, m.analyzer(), m.id(), gates, nanos);
        switch (o) {
            case FrameOutcome.Failed x -> {
                health.failed(x.camera(), x.doneNanos());
                log.warn("camera {}: frame {} failed in {}: {}", x.camera(), f.sourceRef(), x.stage(), x.error());
            }
            case FrameOutcome.Skipped x -> health.flowed(x.camera(), x.doneNanos(), false);
            case dev.vigil.pipeline.FrameResult x -> health.flowed(x.camera(), x.doneNanos(), true);
        }
        try {
            decisions.decide(o, f);
        } catch (RuntimeException e) {
            log.warn("camera {}: decision on frame {} failed: {}", cp.name(), f.sourceRef(), e.toString());
        }
        bus.publish(o, f);
        ModelSlot.Observer obs = observer;
        if (obs != null) {
            try {
                obs.frame(m, o, nanos.getAsLong());
            } catch (RuntimeException e) {
                log.warn("camera {}: model observer failed on frame {}: {}", cp.name(), f.sourceRef(), e.toString());
            }
        }
    }

    private void runChange() {
        java.util.concurrent.FutureTask<?> t = change.getAndSet(null);
        if (t != null) t.run(); // a FutureTask keeps what it throws for the caller
    }

    /**
     * Runs {@code change} on the inference thread between two frames and waits for it: what the frame path reads is
     * then never seen half changed. When the loop is not running (not started, stopped) it runs here, at once. One change
     * at a time (the caller serialises). A loop that does not come round within {@code limit} (an inference stuck in
     * native code) gets the change taken back: then it never ran, and this throws.
     *
     * @throws IllegalStateException the loop did not reach a frame boundary in time; nothing ran
     */
    void betweenFrames(Runnable what, Duration limit) {
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(what, null);
        if (!inference.isAlive()) {
            task.run();
        } else {
            if (!change.compareAndSet(null, task)) throw new IllegalStateException("another change waits for the inference loop");
            signal.signal(); // an idle loop wakes now instead of after its idle wait
        }
        try {
            task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            if (change.compareAndSet(task, null)) throw new IllegalStateException("the inference loop did not reach a frame "
                    + "boundary within " + limit.toMillis() + " ms (an inference stuck?); nothing changed");
            waitTaken(task); // the loop took it just now: it runs to its end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (change.compareAndSet(task, null)) throw new IllegalStateException("interrupted; nothing changed");
            waitTaken(task);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static void waitTaken(java.util.concurrent.FutureTask<?> task) {
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** The signal the cameras wake the loop with (a reopened camera gets it too). */
    FrameSignal signal() { return signal; }

    /** The camera's pipeline, or null. */
    CameraPipeline pipeline(String name) {
        for (CameraPipeline c : cameras) if (c.name().equals(name)) return c;
        return null;
    }

    /** Waits until the daemon stops by itself (--once: all finite sources done) or {@code timeout} passes. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Throwable failure() { return failure; }

    /** Every camera's capture figures, in config order. */
    public List<CameraStats> cameraStats() {
        List<CameraStats> out = new ArrayList<>();
        for (CameraPipeline c : cameras) out.add(c.camera.stats());
        return out;
    }

    public List<String> cameraNames() { return cameras.stream().map(CameraPipeline::name).toList(); }

    public String cameraDescription(String name) {
        return cameras.stream().filter(c -> c.name().equals(name)).map(c -> c.camera.description()).findFirst().orElse(null);
    }

    /** The analyzer of the current model. */
    public Analyzer analyzer() { return current.analyzer(); }

    public ModelId model() { return current.id(); }

    /**
     * Stops within a few seconds: cameras first (no new frames), then the inference loop. Native memory (cameras,
     * engine) is freed by {@link #close()} after the loop is known to be out of every native call.
     */
    void stop() {
        running = false;
        closeCameras();
        signal.signal();
        try {
            if (inference.isAlive() && !stopped.await(3, TimeUnit.SECONDS)) {
                inference.interrupt();
                stopped.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes every camera at once: a camera stuck in connect or read takes up to its close limit (1.9 s) to give up,
     * and one after another ten of them would outlast systemd's stop timeout. Platform threads, not virtual ones: a
     * close that waits inside a native call pins its carrier, and there are only as many carriers as cores.
     */
    private void closeCameras() {
        List<Thread> closing = new ArrayList<>(cameras.size());
        for (CameraPipeline c : cameras) {
            closing.add(Thread.ofPlatform().name("close-" + c.name()).daemon(true).start(() -> {
                try {
                    c.camera.close();
                } catch (RuntimeException e) {
                    log.warn("camera {}: close failed: {}", c.name(), e.getMessage());
                }
            }));
        }
        long deadline = System.nanoTime() + CAMERAS_CLOSE_LIMIT.toNanos();
        try {
            for (Thread t : closing) {
                long left = deadline - System.nanoTime();
                if (left > 0) t.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < closing.size(); i++) {
            if (closing.get(i).isAlive()) log.warn("camera {}: still closing after {} ms; stopping without it",
                    cameras.get(i).name(), CAMERAS_CLOSE_LIMIT.toMillis());
        }
    }

    /** True when the loop has ended: only then may the engine be freed. */
    public boolean loopEnded() { return !inference.isAlive() || stopped.getCount() == 0; }

    @Override
    public void close() {
        stop();
        boolean ended = loopEnded();
        for (CameraPipeline c : cameras) c.close(ended); // a second stage's classifier is an engine too
        if (ended) current.close(); // never free the engine under a running invoke
    }
}
