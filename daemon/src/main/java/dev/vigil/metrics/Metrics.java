package dev.vigil.metrics;

import dev.vigil.config.PowerConfig;
import dev.vigil.config.Secrets;
import dev.vigil.config.VigilConfig;
import dev.vigil.power.PowerMonitor;
import dev.vigil.power.PowerSensor;
import dev.vigil.power.PowerSensors;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's metrics in Micrometer with the Prometheus registry, named by Micrometer's conventions (lowercase dotted
 * names, base units, low-cardinality tags), so Prometheus sees e.g. {@code vigil_inference_seconds_bucket{camera="door",
 * model="ssd_mobilenet_v1_coco_quant",le="0.02"}}. One {@link MeterBinder} per concern, bound by the wiring:
 * {@link FrameMeters} (the frame path, a result-bus consumer), {@link CaptureMeters}, {@link DecisionMeters},
 * {@code swap.ModelSwap} (the models loaded), the result bus's own drop counters, and here the process, JVM, thermal and power meters.
 * Everything that reads files or the clock runs on one sampling thread or at scrape time.
 */
public final class Metrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /**
     * Latency buckets, 14 of them: from a postprocess of a tenth of a millisecond and a Coral invoke of a few, to a
     * frame stuck for seconds; few enough that scraping many devices stays cheap.
     */
    static final Duration[] LATENCY_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500);

    /**
     * What the metrics read from the machine; tests point the roots at fixture trees.
     *
     * @param power    where power comes from
     * @param machine  the sysfs root, command runner, CPU use and clock the power sensors read
     * @param procSelf {@code /proc/self} (resident memory)
     * @param tick     how often fps figures are refreshed
     */
    public record Options(PowerConfig power, PowerSensors.Machine machine, Path procSelf, Duration tick) {

        public static Options of(VigilConfig config) {
            return new Options(config.power(), PowerSensors.Machine.real(), Path.of("/proc/self"), Duration.ofSeconds(1));
        }
    }

    /**
     * No tag value carries a config secret ({@link Secrets}): a model or a source given by {@code ${VAR}} may become a
     * label. Applied as each meter is registered, which is after the config was read.
     */
    static final MeterFilter MASK_SECRETS = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            if (!Secrets.any()) return id;
            List<Tag> tags = new ArrayList<>();
            boolean changed = false;
            for (Tag t : id.getTagsAsIterable()) {
                String v = Secrets.redact(t.getValue());
                changed |= !v.equals(t.getValue());
                tags.add(Tag.of(t.getKey(), v));
            }
            return changed ? id.replaceTags(tags) : id;
        }
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Options options;
    private final LongSupplier clock;
    private final long startNanos;
    private final PowerMonitor power;
    private final ProcessMeters process;
    private final ScheduledExecutorService sampler;
    private final PowerMeters powerMeters;
    private volatile FrameMeters frames;

    /**
     * Builds the registry and picks the power sensor (logged in one line).
     *
     * @throws IllegalArgumentException when the config names a power source the machine does not have
     */
    public Metrics(Options options) {
        // Two of Micrometer's processor meters fail promtool's lint: process_cpu_time_ns_total (an abbreviated unit;
        // process_cpu_seconds_total says the same) and system_cpu_count (a gauge ending in _count).
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        registry.config().meterFilter(MASK_SECRETS);
        this.options = options;
        this.clock = options.machine().nanoClock();
        this.startNanos = clock.getAsLong();
        Optional<PowerSensor> sensor = PowerSensors.choose(options.power(), options.machine());
        this.power = sensor.map(s -> new PowerMonitor(s, clock)).orElse(null);
        if (power == null) log.info("power: off (power.source: off)");
        else log.info("power: {}", power.sensor().description());
        process = new ProcessMeters(options.procSelf(), options.machine().sysRoot());
        process.bindTo(registry);
        powerMeters = power == null ? null : new PowerMeters(power, () -> frames == null ? 0 : frames.inferences());
        if (powerMeters != null) powerMeters.bindTo(registry);
        sampler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-metrics").daemon(true).factory());
    }

    /** With the machine's real sensors and the config's power section. */
    public static Metrics create(VigilConfig config) {
        return new Metrics(Options.of(config));
    }

    /** Binds a concern's meters. */
    public void bind(MeterBinder b) { b.bindTo(registry); }

    /**
     * Binds the frame path's meters and starts sampling (fps every tick, power every power interval). Call once.
     */
    public void start(FrameMeters f) {
        if (frames != null) throw new IllegalStateException("metrics are started already");
        frames = f;
        PowerMeters pm = powerMeters;
        long tick = options.tick().toNanos();
        sampler.scheduleAtFixedRate(() -> guarded("sampling", () -> f.tick(clock.getAsLong())), tick, tick, TimeUnit.NANOSECONDS);
        if (pm != null) {
            long p = options.power().interval().toNanos();
            sampler.scheduleAtFixedRate(() -> guarded("power sampling", pm::sample), p, p, TimeUnit.NANOSECONDS);
        }
    }

    private static void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("metrics: {} failed: {}", what, e.toString());
        }
    }

    // ---- reading ----

    public MeterRegistry registry() { return registry; }

    /** The same registry, for meters the Prometheus client makes itself (the drift's score histogram). */
    public PrometheusMeterRegistry prometheus() { return registry; }

    /** The Prometheus text exposition (format 0.0.4). */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out, CONTENT_TYPE);
    }

    public String scrape() { return registry.scrape(CONTENT_TYPE); }

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The frame path's meters (null before {@link #start}). */
    public FrameMeters frames() { return frames; }

    /** The power monitor, empty with {@code power.source: off}. */
    public Optional<PowerMonitor> power() { return Optional.ofNullable(power); }

    public Duration uptime() { return Duration.ofNanos(clock.getAsLong() - startNanos); }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.close();
        if (power != null) power.close();
        registry.close();
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
}
