package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.capture.Frame;
import dev.vigil.capture.FrameSignal;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.events.EventStore;
import dev.vigil.model.ModelStore;
import dev.vigil.motion.MotionGate;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.postprocess.Detection;
import dev.vigil.postprocess.Labels;
import dev.vigil.preprocess.ImagePreprocessor;
import dev.vigil.rules.RuleEngine;
import dev.vigil.rules.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.vigil.events.Event;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every stage from the config and runs them.
 *
 * <pre>
 * camera threads (one per camera, latest frame wins)
 *    -> inference thread: motion gate -> preprocess -> inference -> postprocess -> rules -> events
 * </pre>
 *
 * One engine serves all cameras; the inference thread takes the cameras in turn, one frame each, so a busy camera
 * cannot starve a quiet one, and a camera whose frames come faster than inference simply drops the stale ones.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /**
     * @param once    process every finite source to its end, losing no frame, then stop
     * @param sources frame sources by camera name that replace the configured ones (the pipeline benchmark's replay)
     */
    public record Options(boolean once, java.util.Map<String, dev.vigil.capture.FrameSource> sources,
                          List<PipelineObserver> observers, List<FrameGate> gates) {
        public Options(boolean once) { this(once, java.util.Map.of(), List.of(), List.of()); }

        public Options(boolean once, java.util.Map<String, dev.vigil.capture.FrameSource> sources) {
            this(once, sources, List.of(), List.of());
        }

        public Options withObserver(PipelineObserver o) {
            List<PipelineObserver> l = new ArrayList<>(observers);
            l.add(o);
            return new Options(once, sources, List.copyOf(l), gates);
        }

        public Options withGate(FrameGate g) {
            List<FrameGate> l = new ArrayList<>(gates);
            l.add(g);
            return new Options(once, sources, observers, List.copyOf(l));
        }
    }

    private final VigilConfig config;
    private final Options options;
    private final Analyzer analyzer;
    private final EventStore events;
    private final List<CameraPipeline> cameras = new ArrayList<>();
    private final FrameSignal signal = new FrameSignal();
    private final Thread inference;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;

    private Daemon(VigilConfig config, Options options, Analyzer analyzer, EventStore events) {
        this.config = config;
        this.options = options;
        this.analyzer = analyzer;
        this.events = events;
        this.inference = Thread.ofPlatform().name("inference").unstarted(this::loop);
    }

    /** Builds and starts everything; a model that cannot load or an unusable events directory fails here, in one line. */
    public static Daemon start(VigilConfig config, Options options) {
        ModelStore store = ModelStore.fromEnvironment();
        if (config.inference().mirror().isPresent()) store = store.withMirror(config.inference().mirror().get(), "models.mirror");
        ModelSpec spec = ModelSpec.of(store.resolve(config.inference().model()));
        if (config.inference().labels().isPresent()) spec = spec.withLabels(Labels.read(config.inference().labels().get()));
        Analyzer.Options ao = new Analyzer.Options(config.inference().engine().word(), config.inference().engineOptions(),
                ImagePreprocessor.Resize.STRETCH, 5, 100);
        Analyzer analyzer = Analyzer.open(spec, ao);
        EventStore events = null;
        try {
            events = EventStore.open(config.events().dir(), config.events().retention());
        } catch (dev.vigil.events.EventStoreException e) {
            // Detection still runs (and later the alarms and metrics); only the record is missing until the directory is fixed.
            log.error("events: {}; running without recording events", e.getMessage());
        }
        Daemon d = new Daemon(config, options, analyzer, events);
        try {
            for (CameraConfig c : config.enabledCameras()) d.cameras.add(d.camera(c));
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        log.info("model {} on {}; {} camera(s): {}", spec.name(), analyzer.engine().delegate(), d.cameras.size(),
                d.cameras.stream().map(c -> c.name() + " (" + c.camera.description() + ")").toList());
        d.inference.start();
        return d;
    }

    private CameraPipeline camera(CameraConfig c) {
        Camera.Options co = Camera.Options.defaults().withSignal(signal).withLossless(options.once())
                .withListener((cam, from, to, why) -> {
                    for (PipelineObserver o : options.observers()) {
                        try {
                            o.cameraState(cam.name(), from, to, why);
                        } catch (RuntimeException e) {
                            log.warn("observer {} failed on a camera state change: {}", o.getClass().getSimpleName(), e.toString());
                        }
                    }
                });
        var replaced = options.sources().get(c.name());
        Camera cam = replaced != null ? Camera.start(c.name(), replaced, co) : Camera.start(c.name(), c.source(), co);
        MotionGate gate = c.motion().enabled() ? new MotionGate(c.motion().threshold(), c.motion().minArea(), c.motion().scaleWidth()) : null;
        return new CameraPipeline(c, cam, gate, new RuleEngine(c.name(), c.rules()));
    }

    private void loop() {
        int next = 0;
        try {
            while (running) {
                long seen = signal.version();
                boolean any = false;
                int n = cameras.size();
                // One frame per pass, starting after the camera served last: when several cameras have frames they
                // take turns, and a camera with nothing new never holds up the others.
                for (int k = 0; k < n && running; k++) {
                    int i = (next + k) % n;
                    CameraPipeline cp = cameras.get(i);
                    Frame f = cp.camera.poll();
                    if (f == null) continue;
                    any = true;
                    next = (i + 1) % n;
                    try {
                        process(cp, f);
                    } finally {
                        cp.camera.release(f);
                    }
                    break;
                }
                if (!any) {
                    if (options.once() && cameras.stream().allMatch(c -> c.camera.ended())) break;
                    signal.await(seen, Duration.ofMillis(200));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            log.error("inference stopped: {}", t.toString());
        } finally {
            stopped.countDown();
        }
    }

    private void process(CameraPipeline cp, Frame f) {
        for (FrameGate g : options.gates()) {
            String why = g.skip(cp.name());
            if (why != null) {
                cp.gateSkipped.incrementAndGet();
                for (PipelineObserver o : options.observers()) {
                    try {
                        o.frameSkipped(cp.name(), f, why);
                    } catch (RuntimeException oe) {
                        observerFailed(o, oe);
                    }
                }
                return;
            }
        }
        if (cp.motion != null && !cp.motion.moved(f.bgr())) {
            cp.motionSkipped.incrementAndGet();
            for (PipelineObserver o : options.observers()) {
                    try {
                        o.frameSkipped(cp.name(), f, "motion");
                    } catch (RuntimeException oe) {
                        observerFailed(o, oe);
                    }
                }
            return;
        }
        List<Trigger> triggers;
        List<Detection> detections;
        try {
            analyzer.analyze(f.bgr(), cp.minScore);
            Instant t = f.time();
            if (analyzer.kind() == Analyzer.Kind.DETECTOR) {
                detections = analyzer.detections().toList(analyzer::label);
                triggers = cp.rules.evaluate(detections, t);
            } else {
                var top = analyzer.topK().toList(analyzer::label);
                detections = List.of();
                triggers = cp.rules.evaluateClassification(top, t);
            }
        } catch (RuntimeException e) {
            cp.errors.incrementAndGet();
            log.warn("camera {}: frame {} failed: {}", cp.name(), f.sourceRef(), e.getMessage());
            for (PipelineObserver o : options.observers()) {
                    try {
                        o.failed(cp.name(), "inference", e);
                    } catch (RuntimeException oe) {
                        observerFailed(o, oe);
                    }
                }
            return;
        }
        long now = System.nanoTime();
        cp.processed.incrementAndGet();
        cp.lastProcessedNanos = now;
        cp.latency.record(now - f.captureNanos());
        for (PipelineObserver o : options.observers()) {
                    try {
                        o.frameProcessed(cp.name(), f, analyzer, detections, now);
                    } catch (RuntimeException oe) {
                        observerFailed(o, oe);
                    }
                }
        for (Trigger tr : triggers) {
            cp.events.incrementAndGet();
            // The store logs each event (one line) or its loss; the daemon carries on either way.
            Optional<Event> ev = Optional.empty();
            if (events != null) ev = events.record(tr, detections.isEmpty() ? List.of(tr.detection()) : detections, f.bgr(), f.sourceRef());
            else log.warn("event not recorded (no events directory): camera {} {} {} {}", tr.camera(), tr.group(),
                    tr.detection().label(), String.format(java.util.Locale.ROOT, "%.2f", tr.detection().score()));
            for (PipelineObserver o : options.observers()) {
                    try {
                        o.triggered(tr, f, ev);
                    } catch (RuntimeException oe) {
                        observerFailed(o, oe);
                    }
                }
        }
    }

    /** An observer's bug is logged and never stops the frame path. */
    private static void observerFailed(PipelineObserver o, RuntimeException e) {
        log.warn("observer {} failed: {}", o.getClass().getSimpleName(), e.toString());
    }

    /** Waits until the daemon stops by itself (--once: all finite sources done) or {@code timeout} passes. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Throwable failure() { return failure; }

    public List<CameraStatus> status() {
        List<CameraStatus> out = new ArrayList<>();
        for (CameraPipeline c : cameras)
            out.add(new CameraStatus(c.name(), c.camera.state().toString(), c.camera.stats(), c.processed.get(),
                    c.motionSkipped.get(), c.gateSkipped.get(), c.events.get(), c.errors.get(), c.lastProcessedNanos));
        return out;
    }

    public Analyzer analyzer() { return analyzer; }

    /** Capture-to-decision latencies of a camera (null for an unknown name). */
    public LatencyLog latency(String camera) {
        return cameras.stream().filter(c -> c.name().equals(camera)).map(c -> c.latency).findFirst().orElse(null);
    }

    /** The event store, or null when the events directory could not be used. */
    public EventStore events() { return events; }

    /** Stops within a few seconds: cameras first (no new frames), then inference, then native memory and the event store. */
    @Override
    public void close() {
        running = false;
        for (CameraPipeline c : cameras) {
            try {
                c.camera.close();
            } catch (RuntimeException e) {
                log.warn("camera {}: close failed: {}", c.name(), e.getMessage());
            }
        }
        signal.signal();
        try {
            if (inference.isAlive() && !stopped.await(3, TimeUnit.SECONDS)) {
                inference.interrupt();
                stopped.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CameraPipeline c : cameras) c.close();
        if (!inference.isAlive() || stopped.getCount() == 0) analyzer.close(); // never free the engine under a running invoke
        if (events != null) events.close();
    }

    /** Status of one camera for logs, tests and (later) the HTTP API. */
    /** @param lastProcessedNanos System.nanoTime() of the last processed frame, 0 before the first */
    public record CameraStatus(String name, String state, dev.vigil.capture.CameraStats capture, long processed,
                               long motionSkipped, long gateSkipped, long events, long errors, long lastProcessedNanos) {}

    public VigilConfig config() { return config; }
}
