package dev.vigil.metrics;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.Frame;
import dev.vigil.config.PowerConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Daemon;
import dev.vigil.daemon.PipelineObserver;
import dev.vigil.events.Event;
import dev.vigil.model.Sha256;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import dev.vigil.power.PowerMonitor;
import dev.vigil.power.PowerReading;
import dev.vigil.power.PowerSensor;
import dev.vigil.power.PowerSensors;
import dev.vigil.power.Rail;
import dev.vigil.rules.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's metrics in Micrometer with the Prometheus registry, named by Micrometer's conventions (lowercase dotted
 * names, base units, low-cardinality tags), so Prometheus sees e.g. {@code vigil_inference_seconds_bucket{camera="door",
 * model="ssd_mobilenet_v1_coco_quant",le="0.02"}}.
 *
 * <ul>
 * <li>Timers with histograms, per camera and model: {@code vigil.capture} (the frame's age when its processing starts:
 *     from the read off the source through the latest-wins buffer), {@code vigil.preprocess}, {@code vigil.inference},
 *     {@code vigil.postprocess}, {@code vigil.frame} (capture to decision) and {@code vigil.alarm.latency} (capture to
 *     the GPIO output change).</li>
 * <li>Counters per camera: {@code vigil.frames.captured}, {@code .processed}, {@code .dropped} (reason {@code stale}:
 *     overwritten by a newer frame before inference; {@code undecodable}; or a gate's reason such as {@code wake}),
 *     {@code vigil.frames.motion.skipped}, {@code vigil.events} (group), {@code vigil.camera.reconnects},
 *     {@code vigil.errors} (stage), {@code vigil.qc.parts} (result).</li>
 * <li>Gauges: {@code vigil.camera.up}, {@code vigil.processed.fps}, {@code vigil.alarm.state} (one series per state, 1
 *     for the current one), {@code vigil.qc.yield}, {@code vigil.model.info} (model, sha256, delegate),
 *     {@code vigil.temperature} (zone), {@code process.cpu} and {@code process.resident.memory}, the JVM's memory,
 *     threads and GC.</li>
 * <li>Power: {@code vigil.power} (rail, source) in watts, {@code vigil.energy} (source) in joules, and
 *     {@code vigil.inference.energy}: the joules of each sampling interval over the inferences in it.</li>
 * </ul>
 *
 * The frame path only touches meters made beforehand (counters and timers: lock-free, no allocation); everything that
 * reads files or the clock runs on one sampling thread or at scrape time.
 */
public final class Metrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /** The alarm state machine of the GPIO stage, as the {@code state} tag of {@code vigil.alarm.state}. */
    public static final List<String> ALARM_STATES = List.of("disarmed", "armed", "triggered", "cooldown");
    /** The QC results, as the {@code result} tag of {@code vigil.qc.parts}. */
    public static final List<String> QC_RESULTS = List.of("ok", "ng", "uncertain");

    /**
     * Latency buckets, 14 of them: from a postprocess of a tenth of a millisecond and a Coral invoke of a few, to a
     * frame stuck for seconds; few enough that scraping many devices stays cheap.
     */
    static final Duration[] LATENCY_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500);
    /** Joules per inference: a Coral on a Pi (a few mJ) up to a slow CPU model on a big board. */
    static final double[] ENERGY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    /** A camera counts as ready when it delivered a frame within this. */
    public static final Duration FRESH = Duration.ofSeconds(10);

    /**
     * What the metrics read from the machine; tests point the roots at fixture trees.
     *
     * @param power    where power comes from
     * @param machine  the sysfs root, command runner, CPU use and clock the power sensors read
     * @param procSelf {@code /proc/self} (resident memory)
     * @param tick     how often fps and readiness figures are refreshed
     */
    public record Options(PowerConfig power, PowerSensors.Machine machine, Path procSelf, Duration tick) {

        public static Options of(VigilConfig config) {
            return new Options(config.power(), PowerSensors.Machine.real(), Path.of("/proc/self"), Duration.ofSeconds(1));
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Options options;
    private final LongSupplier clock;
    private final long startNanos;
    private final PowerMonitor power;
    /** Held here because Micrometer holds the objects of gauges and function counters weakly. */
    private ProcessStats processStats;
    private final ScheduledExecutorService sampler;
    private final ConcurrentHashMap<String, CameraMeters> cameras = new ConcurrentHashMap<>();
    private final AtomicLong inferences = new AtomicLong();
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final Map<String, Supplier<String>> alarmStates = new ConcurrentHashMap<>();
    private final Observer observer = new Observer();
    private DistributionSummary energyPerInference;
    private volatile Daemon daemon;
    private volatile ModelInfo model;
    private long lastPowerNanos;
    private long lastInferences;

    /** The model as the metrics and the status page show it. */
    public record ModelInfo(String name, String sha256, String delegate, String kind) {}

    /**
     * Builds the registry and picks the power sensor (logged in one line).
     *
     * @throws IllegalArgumentException when the config names a power source the machine does not have
     */
    public Metrics(Options options) {
        // Two of Micrometer's processor meters fail promtool's lint: process_cpu_time_ns_total (an abbreviated unit;
        // process_cpu_seconds_total says the same) and system_cpu_count (a gauge ending in _count).
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        this.options = options;
        this.clock = options.machine().nanoClock();
        this.startNanos = clock.getAsLong();
        Optional<PowerSensor> sensor = PowerSensors.choose(options.power(), options.machine());
        this.power = sensor.map(s -> new PowerMonitor(s, clock)).orElse(null);
        if (power == null) log.info("power: off (power.source: off)");
        else log.info("power: {}", power.sensor().description());
        registerProcess();
        if (power != null) registerPower();
        for (ThermalZones.Zone z : ThermalZones.find(options.machine().sysRoot())) {
            // Micrometer holds a gauge's object weakly: without strongReference the zone is collected and reads NaN.
            Gauge.builder("vigil.temperature", z, ThermalZones.Zone::celsius).baseUnit("celsius").strongReference(true)
                    .description("Temperature of a thermal zone").tag("zone", z.name()).register(registry);
        }
        sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-metrics").daemon(true).factory());
    }

    /** With the machine's real sensors and the config's power section. */
    public static Metrics create(VigilConfig config) {
        return new Metrics(Options.of(config));
    }

    /** The observer to register with {@link Daemon.Options#withObserver} before the daemon starts. */
    public PipelineObserver observer() { return observer; }

    /**
     * Adds what needs the running daemon (capture counters, camera up, the model) and starts sampling. Call once,
     * right after {@link Daemon#start}.
     */
    public void bind(Daemon d) {
        if (daemon != null) throw new IllegalStateException("metrics are bound to a daemon already");
        daemon = d;
        Analyzer a = d.analyzer();
        String sha;
        try {
            sha = Sha256.of(a.model());
        } catch (RuntimeException e) {
            sha = "unknown";
        }
        model = new ModelInfo(a.spec().name(), sha, a.engine().delegate(), a.kind().name().toLowerCase(Locale.ROOT));
        Gauge.builder("vigil.model.info", () -> 1).description("The loaded model: name, sha256 of the file, delegate")
                .tags("model", model.name(), "sha256", model.sha256(), "delegate", model.delegate(), "kind", model.kind())
                .register(registry);
        // Series that will exist start at 0, so rate() and alerts see them before the first event or error.
        for (var cc : d.config().enabledCameras()) {
            CameraMeters c = camera(cc.name());
            c.error("inference");
            for (String group : cc.rules().groups().keySet()) c.event(group);
        }
        for (Daemon.CameraStatus s : d.status()) {
            String cam = s.name();
            camera(cam);
            FunctionCounter.builder("vigil.frames.captured", this, m -> m.capture(cam, 0))
                    .description("Frames read from the camera").tag("camera", cam).register(registry);
            FunctionCounter.builder("vigil.frames.dropped", this, m -> m.capture(cam, 1))
                    .description("Frames that never reached inference, by reason").tags("camera", cam, "reason", "stale").register(registry);
            FunctionCounter.builder("vigil.frames.dropped", this, m -> m.capture(cam, 2))
                    .description("Frames that never reached inference, by reason").tags("camera", cam, "reason", "undecodable").register(registry);
            FunctionCounter.builder("vigil.camera.reconnects", this, m -> m.capture(cam, 3))
                    .description("Times the camera's source was reopened after it went down").tag("camera", cam).register(registry);
            Gauge.builder("vigil.camera.up", this, m -> m.cameraUp(cam))
                    .description("1 while the camera delivers frames").tag("camera", cam).register(registry);
            Gauge.builder("vigil.processed.fps", this, m -> m.processedFps(cam))
                    .description("Frames through inference per second, over the last few seconds").tag("camera", cam).register(registry);
        }
        long tick = options.tick().toNanos();
        lastPowerNanos = clock.getAsLong();
        sampler.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
        if (power != null) {
            power.sample();
            long p = options.power().interval().toNanos();
            sampler.scheduleAtFixedRate(this::samplePower, p, p, TimeUnit.NANOSECONDS);
        }
    }

    // ---- for the GPIO stage (wired by the integrator) ----

    /** Records the time from a frame's capture to the GPIO output change it caused. */
    public void alarmLatency(String camera, long nanos) {
        camera(camera).alarm().record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Exports a camera's alarm state machine: {@code vigil.alarm.state{camera, state}} is 1 for the state
     * {@code state} returns (one of {@link #ALARM_STATES}, any case) and 0 for the others.
     */
    public void alarmState(String camera, Supplier<String> state) {
        if (alarmStates.putIfAbsent(camera, state) != null) throw new IllegalArgumentException("alarm state of camera " + camera + " is exported already");
        for (String s : ALARM_STATES) {
            Gauge.builder("vigil.alarm.state", () -> s.equalsIgnoreCase(String.valueOf(state.get())) ? 1 : 0)
                    .description("1 for the alarm state the camera is in").tags("camera", camera, "state", s).register(registry);
        }
    }

    /** Counts one inspected part of a QC camera: {@code result} one of {@link #QC_RESULTS} (any case). */
    public void qcCount(String camera, String result) {
        String r = result.toLowerCase(Locale.ROOT);
        if (!QC_RESULTS.contains(r)) throw new IllegalArgumentException("QC result \"" + result + "\" is not one of " + QC_RESULTS);
        camera(camera).qc(r).increment();
    }

    /** The current alarm state of each camera that exports one (for the status API). */
    public Map<String, String> alarmStates() {
        Map<String, String> out = new LinkedHashMap<>();
        alarmStates.forEach((cam, s) -> {
            String v;
            try {
                v = String.valueOf(s.get()).toLowerCase(Locale.ROOT);
            } catch (RuntimeException e) {
                v = "unknown";
            }
            out.put(cam, v);
        });
        return out;
    }

    // ---- reading ----

    public MeterRegistry registry() { return registry; }

    /** The Prometheus text exposition (format 0.0.4). */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out, CONTENT_TYPE);
    }

    public String scrape() { return registry.scrape(CONTENT_TYPE); }

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Frames through inference per second over the last few seconds (0 for an unknown camera). */
    public double processedFps(String camera) {
        CameraMeters c = cameras.get(camera);
        return c == null ? 0 : c.fps;
    }

    /** System.nanoTime() when the camera last handed a frame to the pipeline, 0 before the first. */
    public long lastFrameNanos(String camera) {
        CameraMeters c = cameras.get(camera);
        return c == null ? 0 : c.lastFrameNanos;
    }

    /** The last state the camera reported, or null before the first. */
    public CameraState cameraState(String camera) {
        CameraMeters c = cameras.get(camera);
        return c == null ? null : c.state;
    }

    /** The loaded model, null before {@link #bind}. */
    public ModelInfo model() { return model; }

    /** The power monitor, empty with {@code power.source: off}. */
    public Optional<PowerMonitor> power() { return Optional.ofNullable(power); }

    public Duration uptime() { return Duration.ofNanos(clock.getAsLong() - startNanos); }

    /** The median of a camera's inference timer in milliseconds since start, NaN before the first frame. */
    public double inferenceMeanMs(String camera) {
        CameraMeters c = cameras.get(camera);
        Timer t = c == null ? null : c.inference;
        return t == null || t.count() == 0 ? Double.NaN : t.mean(TimeUnit.MILLISECONDS);
    }

    /** The mean capture-to-decision time of a camera in milliseconds since start, NaN before the first frame. */
    public double frameMeanMs(String camera) {
        CameraMeters c = cameras.get(camera);
        Timer t = c == null ? null : c.frame;
        return t == null || t.count() == 0 ? Double.NaN : t.mean(TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception e) {
                log.debug("metrics binder close: {}", e.toString());
            }
        }
        if (power != null) power.close();
        registry.close();
    }

    // ---- internals ----

    private CameraMeters camera(String name) {
        CameraMeters c = cameras.get(name);
        return c != null ? c : cameras.computeIfAbsent(name, n -> new CameraMeters(n, registry));
    }

    /** Read at scrape time, so a scrape never shows fewer frames captured than processed. */
    private double capture(String camera, int which) {
        Daemon d = daemon;
        if (d == null) return 0;
        for (Daemon.CameraStatus s : d.status()) {
            if (!s.name().equals(camera)) continue;
            return switch (which) {
                case 0 -> s.capture().captured();
                case 1 -> s.capture().dropped();
                case 2 -> s.capture().decodeErrors();
                default -> s.capture().reconnects();
            };
        }
        return 0;
    }

    private double cameraUp(String camera) {
        CameraMeters c = cameras.get(camera);
        return c != null && c.state == CameraState.UP ? 1 : 0;
    }

    private void registerProcess() {
        ProcessStats ps = new ProcessStats(options.procSelf());
        processStats = ps;
        // Strong references: Micrometer holds gauge and function-counter objects weakly, and nothing else holds ps (a GC
        // turned these series into NaN in CI).
        FunctionCounter.builder("process.cpu", ps, ProcessStats::cpuSeconds).baseUnit("seconds")
                .description("CPU time used by the process, user and system").register(registry);
        Gauge.builder("process.resident.memory", ps, ProcessStats::residentBytes).baseUnit("bytes").strongReference(true)
                .description("Resident set size of the process").register(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
    }

    private void registerPower() {
        String source = power.sensor().source();
        power.sample(); // the first reading names the rails
        PowerReading first = power.latest();
        List<Rail> rails = first == null ? List.of() : first.rails();
        for (int i = 0; i < rails.size(); i++) {
            final int k = i;
            final String name = rails.get(i).name();
            Gauge.builder("vigil.power", power, p -> railWatts(p, k, name)).baseUnit("watts")
                    .description(source.equals("estimate") ? "Estimated draw (no sensor: from CPU use and the configured idle/busy watts)"
                            : "Power draw of a rail")
                    .tags("rail", name, "source", source).register(registry);
        }
        FunctionCounter.builder("vigil.energy", power, PowerMonitor::energyJoules).baseUnit("joules")
                .description("Energy used since start" + (source.equals("estimate") ? " (estimated)" : ""))
                .tag("source", source).register(registry);
        energyPerInference = DistributionSummary.builder("vigil.inference.energy").baseUnit("joules")
                .description("Energy of each sampling interval over the inferences in it")
                .serviceLevelObjectives(ENERGY_BUCKETS).tag("source", source).register(registry);
    }

    private static double railWatts(PowerMonitor p, int index, String name) {
        PowerReading r = p.latest();
        if (r == null || index >= r.rails().size() || !r.rails().get(index).name().equals(name)) return Double.NaN;
        return r.rails().get(index).watts();
    }

    /** Every tick: processed fps. */
    private void tick() {
        try {
            long now = clock.getAsLong();
            for (CameraMeters c : cameras.values()) c.updateFps(now);
        } catch (RuntimeException e) {
            log.warn("metrics: sampling failed: {}", e.toString());
        }
    }

    private void samplePower() {
        try {
            double joules = power.sample();
            long n = inferences.get();
            long dn = n - lastInferences;
            lastInferences = n;
            if (!Double.isNaN(joules) && dn > 0) energyPerInference.record(joules / dn);
        } catch (RuntimeException e) {
            log.warn("metrics: power sampling failed: {}", e.toString());
        }
    }

    private static Duration[] millis(double... ms) {
        Duration[] out = new Duration[ms.length];
        for (int i = 0; i < ms.length; i++) out[i] = Duration.ofNanos(Math.round(ms[i] * 1e6));
        return out;
    }

    static Timer timer(MeterRegistry r, String name, String description, Tags tags) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
                .publishPercentileHistogram(false).tags(tags).register(r);
    }

    /** One camera's meters: the ones the frame path touches are made before the first frame. */
    private static final class CameraMeters {
        final String name;
        final MeterRegistry registry;
        final Counter processed, motionSkipped;
        volatile Timer alarm; // made at the first alarm: a camera without GPIO exports none
        final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>(), events = new ConcurrentHashMap<>(),
                errors = new ConcurrentHashMap<>(), qc = new ConcurrentHashMap<>();
        // Written by the inference thread at its first frame (the model tag comes with it), read by others.
        volatile Timer capture, preprocess, inference, postprocess, frame;
        volatile long lastFrameNanos;
        volatile CameraState state;
        volatile double fps;
        // fps over a sliding window of ticks (sampling thread only)
        final long[] counts = new long[6], times = new long[6];
        int ticks;

        CameraMeters(String name, MeterRegistry registry) {
            this.name = name;
            this.registry = registry;
            processed = Counter.builder("vigil.frames.processed").description("Frames through inference and rules")
                    .tag("camera", name).register(registry);
            motionSkipped = Counter.builder("vigil.frames.motion.skipped").description("Frames without motion (no inference)")
                    .tag("camera", name).register(registry);
        }

        Timer alarm() {
            Timer t = alarm;
            if (t == null) {
                synchronized (this) {
                    if (alarm == null) alarm = timer(registry, "vigil.alarm.latency", "From the frame's capture to the GPIO output change",
                            Tags.of("camera", name));
                    t = alarm;
                }
            }
            return t;
        }

        void timers(String model) {
            Tags t = Tags.of("camera", name, "model", model);
            capture = timer(registry, "vigil.capture", "Age of the frame when its processing starts (capture and buffer)", t);
            preprocess = timer(registry, "vigil.preprocess", "Resize and convert into the input tensor", t);
            inference = timer(registry, "vigil.inference", "The model's invoke", t);
            postprocess = timer(registry, "vigil.postprocess", "Decoding the outputs into detections or classes", t);
            frame = timer(registry, "vigil.frame", "From the frame's capture to the decision (after the rules)", t);
        }

        Counter dropped(String reason) {
            Counter c = dropped.get(reason);
            return c != null ? c : dropped.computeIfAbsent(reason, r -> Counter.builder("vigil.frames.dropped")
                    .description("Frames that never reached inference, by reason").tags("camera", name, "reason", r).register(registry));
        }

        Counter event(String group) {
            Counter c = events.get(group);
            return c != null ? c : events.computeIfAbsent(group, g -> Counter.builder("vigil.events")
                    .description("Rule groups that fired").tags("camera", name, "group", g).register(registry));
        }

        Counter error(String stage) {
            Counter c = errors.get(stage);
            return c != null ? c : errors.computeIfAbsent(stage, s -> Counter.builder("vigil.errors")
                    .description("Frames that failed, by stage").tags("camera", name, "stage", s).register(registry));
        }

        Counter qc(String result) {
            Counter c = qc.get(result);
            if (c != null) return c;
            synchronized (this) {
                if (qc.isEmpty()) {
                    for (String r : QC_RESULTS) qc.put(r, Counter.builder("vigil.qc.parts").description("Inspected parts by result")
                            .tags("camera", name, "result", r).register(registry));
                    Gauge.builder("vigil.qc.yield", this, CameraMeters::yield).description("Share of inspected parts that were OK")
                            .tag("camera", name).register(registry);
                }
            }
            return qc.get(result);
        }

        double yield() {
            double ok = qc.get("ok").count(), all = ok + qc.get("ng").count() + qc.get("uncertain").count();
            return all == 0 ? Double.NaN : ok / all;
        }

        void updateFps(long now) {
            int i = ticks % counts.length;
            counts[i] = (long) processed.count();
            times[i] = now;
            ticks++;
            int oldest = ticks < counts.length ? 0 : ticks % counts.length;
            long dt = now - times[oldest];
            fps = ticks < 2 || dt <= 0 ? 0 : (counts[i] - counts[oldest]) * 1e9 / dt;
        }
    }

    /** Runs on the inference thread: meters made beforehand, nothing allocated per frame. */
    private final class Observer implements PipelineObserver {

        @Override
        public void cameraState(String camera, CameraState from, CameraState to, String reason) {
            camera(camera).state = to;
        }

        @Override
        public void frameProcessed(String camera, Frame frame, Analyzer analyzer, List<Detection> detections, long decisionNanos) {
            CameraMeters c = camera(camera);
            if (c.frame == null) c.timers(analyzer.spec().name());
            long pre = analyzer.preprocessNanos(), inv = analyzer.invokeNanos(), post = analyzer.postprocessNanos();
            long total = decisionNanos - frame.captureNanos();
            c.capture.record(Math.max(0, total - pre - inv - post), TimeUnit.NANOSECONDS);
            c.preprocess.record(pre, TimeUnit.NANOSECONDS);
            c.inference.record(inv, TimeUnit.NANOSECONDS);
            c.postprocess.record(post, TimeUnit.NANOSECONDS);
            c.frame.record(total, TimeUnit.NANOSECONDS);
            c.processed.increment();
            c.lastFrameNanos = decisionNanos;
            inferences.incrementAndGet();
        }

        @Override
        public void frameSkipped(String camera, Frame frame, String reason) {
            CameraMeters c = camera(camera);
            if ("motion".equals(reason)) c.motionSkipped.increment();
            else c.dropped(reason).increment();
            c.lastFrameNanos = clock.getAsLong();
        }

        @Override
        public void triggered(Trigger trigger, Frame frame, Optional<Event> event) {
            camera(trigger.camera()).event(trigger.group()).increment();
        }

        @Override
        public void failed(String camera, String stage, Exception error) {
            CameraMeters c = camera(camera);
            c.error(stage).increment();
            c.lastFrameNanos = clock.getAsLong();
        }
    }
}
