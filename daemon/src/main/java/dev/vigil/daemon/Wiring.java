package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.capture.FrameSignal;
import dev.vigil.capture.FrameSource;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.consumer.ResultBus;
import dev.vigil.decision.DecisionStage;
import dev.vigil.events.EventFiles;
import dev.vigil.events.EventRecorder;
import dev.vigil.events.EventStore;
import dev.vigil.config.ConfigException;
import dev.vigil.events.EventDirectoryLockedException;
import dev.vigil.events.EventStoreException;
import dev.vigil.gpio.GpioPins;
import dev.vigil.gpio.GpioStage;
import dev.vigil.gpio.Pi4jPins;
import dev.vigil.health.Health;
import dev.vigil.http.LiveView;
import dev.vigil.http.StatusJson;
import dev.vigil.http.StatusServer;
import dev.vigil.mqtt.MqttBridge;
import dev.vigil.control.Control;
import dev.vigil.webhook.Webhooks;
import dev.vigil.logging.LogSetup;
import dev.vigil.drift.DailySummary;
import dev.vigil.drift.DriftMeters;
import dev.vigil.metrics.CaptureMeters;
import dev.vigil.metrics.DecisionMeters;
import dev.vigil.metrics.FrameMeters;
import dev.vigil.metrics.Metrics;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Sha256;
import dev.vigil.motion.MotionGate;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.postprocess.Labels;
import dev.vigil.preprocess.ImagePreprocessor;
import dev.vigil.rules.RuleEngine;
import dev.vigil.swap.LoadedModel;
import dev.vigil.swap.ModelSwap;
import dev.vigil.systemd.SystemdService;
import dev.vigil.rules.GroupRule;
import dev.vigil.sampling.Feedback;
import dev.vigil.sampling.Sampler;
import dev.vigil.time.TimeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every stage from the config, in one place and one order, and hands back the running
 * {@link Vigil}. What a test needs to replace is a {@link Parts} component, chosen here and nowhere else.
 *
 * <pre>
 * logging -> model (store, engine) -> health, metrics -> GPIO -> decision stage -> consumers (events, live, metrics)
 *   -> cameras -> inference loop -> HTTP -> systemd
 * </pre>
 */
public final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    /** Opens the model's analyzer (tests give a fake engine where the model is not what they test). */
    @FunctionalInterface
    public interface Analyzers {
        Analyzer open(ModelSpec spec, Analyzer.Options options);
    }

    /**
     * What the wiring can be given instead of the real thing.
     *
     * @param store      where models are resolved (the mirror, if any, already set: no system property carries it)
     * @param analyzers  the engine behind the analyzer
     * @param pins       the GPIO hardware for the config (the mock where there is no chip)
     * @param eventFiles the file layer of the event store (tests: a slow or full disk)
     * @param metrics    what the metrics read from the machine
     * @param time       clocks and timer threads (tests: virtual time)
     * @param sources    frame sources by camera name that replace the configured ones (benchmarks, tests)
     * @param consumers  more consumers of the result bus (benchmarks and tests measure with them)
     * @param once       process every finite source to its end, losing no frame, then stop
     * @param logging    apply the config's logging section first (false in tests that set up their own)
     * @param http       serve HTTP; with {@code once} a taken port is a warning and the run goes on
     * @param systemd    talk to systemd when $NOTIFY_SOCKET says so
     */
    public record Parts(ModelStore store, Analyzers analyzers, Function<VigilConfig, GpioPins> pins, EventFiles eventFiles,
                        Function<VigilConfig, Metrics.Options> metrics, TimeSource time, Map<String, FrameSource> sources,
                        List<FrameConsumer> consumers, boolean once, boolean logging, boolean http, boolean systemd) {

        /** The real machine: the environment's model store, TFLite, real GPIO, the local disk. */
        public static Parts real(ModelStore store, boolean once) {
            return new Parts(store, Analyzer::open, cfg -> Pi4jPins.open(cfg.gpio()), EventFiles.local(), Metrics.Options::of,
                    TimeSource.system(), Map.of(), List.of(), once, true, true, true);
        }

        /** For tests and benchmarks: no logging setup, no systemd; HTTP on the config's address (port 0 in tests). */
        public static Parts forTest(ModelStore store) {
            return new Parts(store, Analyzer::open, cfg -> Pi4jPins.mock("test"), EventFiles.local(), Metrics.Options::of,
                    TimeSource.system(), Map.of(), List.of(), false, false, true, false);
        }

        public Parts withAnalyzers(Analyzers a) { return new Parts(store, a, pins, eventFiles, metrics, time, sources, consumers, once, logging, http, systemd); }

        public Parts withPins(Function<VigilConfig, GpioPins> p) { return new Parts(store, analyzers, p, eventFiles, metrics, time, sources, consumers, once, logging, http, systemd); }

        public Parts withEventFiles(EventFiles f) { return new Parts(store, analyzers, pins, f, metrics, time, sources, consumers, once, logging, http, systemd); }

        public Parts withMetrics(Function<VigilConfig, Metrics.Options> m) { return new Parts(store, analyzers, pins, eventFiles, m, time, sources, consumers, once, logging, http, systemd); }

        public Parts withSources(Map<String, FrameSource> s) { return new Parts(store, analyzers, pins, eventFiles, metrics, time, s, consumers, once, logging, http, systemd); }

        public Parts withOnce(boolean o) { return new Parts(store, analyzers, pins, eventFiles, metrics, time, sources, consumers, o, logging, http, systemd); }

        public Parts withConsumer(FrameConsumer c) {
            List<FrameConsumer> l = new ArrayList<>(consumers);
            l.add(c);
            return new Parts(store, analyzers, pins, eventFiles, metrics, time, sources, List.copyOf(l), once, logging, http, systemd);
        }

        public Parts withTime(TimeSource t) { return new Parts(store, analyzers, pins, eventFiles, metrics, t, sources, consumers, once, logging, http, systemd); }

        public Parts withHttp(boolean h) { return new Parts(store, analyzers, pins, eventFiles, metrics, time, sources, consumers, once, logging, h, systemd); }
    }

    private Wiring() {}

    /**
     * Builds and starts everything. A model that cannot load, a GPIO pin that cannot be claimed or an HTTP address that
     * cannot be bound fails here in one line, with what was already built closed again. An events directory, camera
     * folder or HTTP address that cannot work ({@link Preflight}) fails before the model loads; an events directory that
     * breaks between that check and its opening is one error line and the rest runs.
     */
    public static Vigil start(VigilConfig cfg, Parts parts) {
        if (parts.logging()) LogSetup.apply(cfg.logging()); // before anything logs
        for (String w : cfg.warnings()) log.warn("config: {}", w);
        // Before the model loads and anything is recorded; a --once batch beside a running daemon only warns of the port.
        Preflight.check(cfg, parts.sources().keySet(), parts.http() && !parts.once());
        if (parts.http() && !parts.once()) StatusServer.checkAccess(cfg.http()); // refused before the model loads
        ModelSpec spec = ModelSpec.of(parts.store().resolve(cfg.inference().model()), cfg.inference().labelsLocale());
        if (cfg.inference().labels().isPresent()) spec = spec.withLabels(Labels.read(cfg.inference().labels().get()));
        if (spec.labels().isPresent()) {
            try {
                LabelCheck.check(cfg, spec.labels().get(), spec.name()); // before the engine opens and anything is recorded
            } catch (dev.vigil.config.ConfigException e) {
                throw cfg.file().map(e::in).orElse(e);
            }
        }
        for (String w : LabelCheck.scoreFloorWarnings(cfg, spec)) log.warn("config: {}", w);
        LoadedModel model = loaded(spec, parts.analyzers().open(spec, options(cfg)));
        List<AutoCloseable> built = new ArrayList<>();
        built.add(model);
        try {
            return assemble(cfg, parts, spec, model, built);
        } catch (RuntimeException e) {
            for (int i = built.size() - 1; i >= 0; i--) {
                try {
                    built.get(i).close();
                } catch (Exception ce) {
                    log.debug("closing after a failed start: {}", ce.toString());
                }
            }
            throw e;
        }
    }

    static Analyzer.Options options(VigilConfig cfg) {
        return new Analyzer.Options(cfg.inference().engine().word(), cfg.inference().engineOptions(), ImagePreprocessor.Resize.STRETCH, 5, 100);
    }

    private static LoadedModel loaded(ModelSpec spec, Analyzer a) {
        long size;
        try {
            size = java.nio.file.Files.size(spec.model());
        } catch (java.io.IOException | RuntimeException e) {
            size = -1;
        }
        return new LoadedModel(a, new ModelId(spec.name(), sha256(spec), a.engine().delegate()), size);
    }

    /**
     * A model for a hot swap, opened as the start opens the configured one: resolved in the store, its labels checked
     * against the cameras' groups, on the configured engine. The config's {@code labels} replace only the configured
     * model's own.
     */
    static LoadedModel openForSwap(VigilConfig cfg, Parts parts, String nameOrPath) {
        ModelSpec spec = ModelSpec.of(parts.store().resolve(nameOrPath), cfg.inference().labelsLocale());
        if (cfg.inference().labels().isPresent() && nameOrPath.equals(cfg.inference().model()))
            spec = spec.withLabels(Labels.read(cfg.inference().labels().get()));
        return loaded(spec, parts.analyzers().open(spec, options(cfg)));
    }

    /** The deploy's side of the wiring: models opened as at start, their labels checked against the cameras' groups. */
    private static ModelSwap.Loader swapLoader(VigilConfig cfg, Parts parts) {
        return new ModelSwap.Loader() {
            @Override
            public LoadedModel load(String nameOrPath) { return openForSwap(cfg, parts, nameOrPath); }

            @Override
            public String labelProblem(LoadedModel m) {
                Labels labels = m.analyzer().labels();
                if (labels == null) return null;
                try {
                    LabelCheck.check(cfg, labels, m.id().name());
                    return null;
                } catch (ConfigException e) {
                    return e.getMessage();
                }
            }

            @Override
            public List<ModelStore.GoldenImage> golden(LoadedModel m) {
                try {
                    return parts.store().golden(m.id().sha256());
                } catch (RuntimeException e) { // an image that cannot be fetched (offline) leaves the other checks
                    log.warn("model {}: golden images not checked: {}", m.describe(), e.getMessage());
                    return List.of();
                }
            }
        };
    }

    private static Vigil assemble(VigilConfig cfg, Parts parts, ModelSpec spec, LoadedModel model, List<AutoCloseable> built) {
        Analyzer analyzer = model.analyzer();
        Map<String, java.time.Duration> fresh = new LinkedHashMap<>();
        for (CameraConfig c : cfg.enabledCameras()) fresh.put(c.name(), Health.freshness(c.source()));
        Health health = new Health(fresh, parts.time()::nanoTime);
        Metrics metrics = new Metrics(parts.metrics().apply(cfg));
        built.add(metrics);

        GpioStage gpio = cfg.gpio().present() ? GpioStage.start(cfg, openPins(parts, cfg), parts.time()) : null;
        if (gpio != null) built.add(gpio);
        ScheduledExecutorService ownTimers = gpio != null ? null
                : parts.time().scheduler(Thread.ofPlatform().name("vigil-timers").daemon(true).factory());
        if (ownTimers != null) built.add(ownTimers::shutdownNow);
        DecisionStage decisions = DecisionStage.create(cfg, gpio == null ? c -> Optional.empty() : gpio::armedBySwitches, gpio,
                gpio != null ? gpio.timers() : ownTimers, parts.time());
        built.add(decisions);
        if (gpio != null) gpio.connect(decisions, health);

        EventStore events = null;
        try {
            events = EventStore.open(cfg.events().dir(), cfg.events().retention(), parts.eventFiles());
        } catch (EventDirectoryLockedException e) {
            // Running on without events would hide that the other vigil's record is the only one; stop here instead.
            throw new ConfigException("events.dir: " + e.getMessage());
        } catch (EventStoreException e) {
            // Detection, alarms and metrics still run; only the record is missing until the directory is fixed.
            log.error("events: {}; running without recording events", e.getMessage());
        }
        LiveView live = new LiveView(cfg.enabledCameras().stream().map(CameraConfig::name).toList(), StatusServer.STREAM_FPS);
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (CameraConfig c : cfg.enabledCameras()) groups.put(c.name(), List.copyOf(c.rules().groups().keySet()));
        FrameMeters frames = new FrameMeters(metrics.registry(), groups);
        Map<String, List<GroupRule>> rules = new LinkedHashMap<>();
        for (CameraConfig c : cfg.enabledCameras()) rules.put(c.name(), List.copyOf(c.rules().groups().values()));
        DriftMeters drift = new DriftMeters(metrics.prometheus(), rules, cfg.drift(), model.id().name(),
                DailySummary.toLog(rules, model.id().name(), parts.time()));
        ResultBus bus = new ResultBus(ResultBus.DEFAULT_PIXEL_BUDGET, health::threadDied)
                .add(new EventRecorder(events)).add(live).add(frames).add(drift);
        Sampler sampler = LearningLoop.sampler(cfg, parts, metrics);
        if (sampler != null) bus.add(sampler);
        parts.consumers().forEach(bus::add);
        Vigil v = new Vigil(cfg, parts, health, metrics, frames, gpio, decisions, ownTimers, events, live, bus);
        v.sampler = sampler;
        Control.Feedback feedback = sampler == null ? null : new Feedback(sampler, events);
        v.control = control(cfg, v, feedback);
        if (gpio != null) LearningLoop.wrongButtons(cfg, gpio, events, feedback);
        if (cfg.mqtt().isPresent()) {
            // Added last: the bus closes it after the event record drained, so the last events and "stopped" go out.
            v.mqtt = mqtt(cfg, parts, v);
            bus.add(v.mqtt);
            decisions.addListener(v.mqtt);
            built.add(v.mqtt);
        }
        if (cfg.sampling().upload().isPresent()) v.upload = LearningLoop.upload(cfg, sampler, parts, v);
        if (v.upload != null) built.add(v.upload);
        // Also without a webhooks: section, so a config reload can add one; with none it takes no frame.
        v.webhooks = Webhooks.start(cfg, events, parts.time());
        bus.add(v.webhooks); // closed after the event record drained, like MQTT: the last visits end and go out
        decisions.addListener(v.webhooks);
        built.add(v.webhooks);
        bus.start();
        built.add(bus);

        DecisionMeters dm = new DecisionMeters(decisions.alarms(), List.copyOf(decisions.qc().keySet()));
        decisions.addListener(dm);
        if (gpio != null) gpio.latency().addListener(s -> dm.alarmLatency(s.camera(), s.nanos()));
        metrics.bind(dm);
        metrics.bind(bus);
        if (v.mqtt != null) metrics.bind(v.mqtt);
        if (v.upload != null) metrics.bind(v.upload);
        metrics.bind(v.webhooks);
        metrics.start(frames);

        FrameSignal signal = new FrameSignal();
        List<CameraPipeline> cameras = new ArrayList<>();
        built.add(() -> cameras.forEach(CameraPipeline::close));
        for (CameraConfig c : cfg.enabledCameras()) cameras.add(camera(cfg, c, parts, signal, health, analyzer.kind()));
        List<FrameGate> gates = new ArrayList<>();
        gates.add(decisions);
        if (gpio != null) gates.add(gpio);
        Daemon daemon = new Daemon(cameras, model, gates, decisions, bus, health, signal, parts.once(), parts.time()::nanoTime);
        v.daemon = daemon;
        ScheduledExecutorService swapTimers = parts.time().scheduler(Thread.ofPlatform().name("vigil-swap").daemon(true).factory());
        built.add(swapTimers::shutdownNow);
        Map<String, dev.vigil.rules.CameraRules> cameraRules = new LinkedHashMap<>();
        for (CameraConfig c : cfg.enabledCameras()) cameraRules.put(c.name(), c.rules());
        v.models = new ModelSwap(daemon, swapLoader(cfg, parts), cfg.inference().swap(), cameraRules, health, parts.time(), swapTimers);
        v.swapTimers = swapTimers;
        daemon.observe(v.models);
        metrics.bind(v.models);
        if (v.mqtt != null) v.models.addListener(v.mqtt::modelChanged);
        if (sampler != null) v.learning = new dev.vigil.learn.LearnJobs(parts.store(), sampler.store().dir(), v::deployModel, parts.time().clock());
        metrics.bind(new CaptureMeters(daemon.cameraNames(), daemon::cameraStats, health));
        daemon.start();
        built.add(daemon::stop);
        v.reload = new Reload(v, metrics.registry());
        log.info("model {} on {}; {} camera(s): {}", spec.name(), analyzer.engine().delegate(), cameras.size(),
                cameras.stream().map(c -> c.name() + " (" + c.camera.description() + ")").toList());

        if (parts.http()) {
            try {
                v.http = StatusServer.start(cfg.http(), v, parts.time());
            } catch (IllegalArgumentException e) {
                if (!parts.once()) throw e;
                log.warn("{}; this --once run goes on without the HTTP server", e.getMessage()); // a batch run beside a running daemon
            }
        }
        if (parts.systemd()) {
            v.systemd = SystemdService.fromEnvironment();
            v.systemd.start(v);
        }
        return v;
    }

    private static MqttBridge mqtt(VigilConfig cfg, Parts parts, Vigil v) {
        // The status is read once the daemon runs (the first status message comes after status_interval_s).
        MqttBridge.Parts mp = new MqttBridge.Parts(v.decisions, v.health, v.events,
                () -> v.daemon == null ? null : StatusJson.of(v), v.control);
        return MqttBridge.start(cfg, cfg.mqtt().orElseThrow(), mp, parts.time());
    }

    /** The remote commands, one instance for MQTT and HTTP. */
    private static Control control(VigilConfig cfg, Vigil v, Control.Feedback feedback) {
        GpioStage gpio = v.gpio;
        Control.Outputs outputs = gpio == null ? null : new Control.Outputs() {
            @Override
            public java.util.Collection<String> names() { return cfg.gpio().outputs().keySet(); }

            @Override
            public void pulse(String output, java.time.Duration length) {
                gpio.output(output).pulse(length, dev.vigil.gpio.OutputDriver.Cause.NONE);
            }

            @Override
            public void reset() { gpio.reset(); }
        };
        Control.Snapshots snapshots = camera -> {
            LiveView.Picture p = v.live.latest(camera);
            return p == null ? null : p.jpeg();
        };
        return new Control(cfg, v.decisions, outputs, snapshots, feedback, v::deployModel);
    }

    private static GpioPins openPins(Parts parts, VigilConfig cfg) {
        try {
            return parts.pins().apply(cfg);
        } catch (dev.vigil.gpio.GpioException e) {
            throw new dev.vigil.config.ConfigException(e.getMessage());
        }
    }

    /** How every camera is opened: at start and when a reload changed its source. */
    static Camera.Options cameraOptions(Parts parts, FrameSignal signal, Health health) {
        return Camera.Options.defaults().withTime(parts.time(), null).withSignal(signal).withLossless(parts.once())
                .withListener((cam, from, to, why) -> health.cameraState(cam.name(), to, why));
    }

    /** The health model watches this camera's capture thread (again after a reload reopened it). */
    static void probe(Health health, String name, Camera cam) { health.probe(name, captureProbe(cam)); }

    static Health.CaptureProbe captureProbe(Camera cam) {
        return new Health.CaptureProbe() {
            @Override
            public java.time.Duration blockedFor() { return cam.blockedFor(); }

            @Override
            public boolean alive() { return cam.captureAlive(); }
        };
    }

    private static CameraPipeline camera(VigilConfig cfg, CameraConfig c, Parts parts, FrameSignal signal, Health health, Analyzer.Kind kind) {
        SecondStage second = SecondStages.open(cfg, c, parts, kind);
        try {
            return camera(c, parts, signal, health, second);
        } catch (RuntimeException e) {
            if (second != null) second.close();
            throw e;
        }
    }

    private static CameraPipeline camera(CameraConfig c, Parts parts, FrameSignal signal, Health health, SecondStage second) {
        Camera.Options co = cameraOptions(parts, signal, health);
        FrameSource replaced = parts.sources().get(c.name());
        Camera cam = replaced != null ? Camera.start(c.name(), replaced, co) : Camera.start(c.name(), c.source(), co);
        probe(health, c.name(), cam);
        MotionGate gate = c.motion().enabled() ? new MotionGate(c.motion().threshold(), c.motion().minArea(), c.motion().scaleWidth()) : null;
        return new CameraPipeline(c, cam, gate, new RuleEngine(c.name(), c.rules()), second);
    }

    private static String sha256(ModelSpec spec) {
        try {
            return Sha256.of(spec.model());
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
