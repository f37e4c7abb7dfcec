package dev.vigil.bench;

import com.sun.management.ThreadMXBean;
import dev.vigil.capture.FrameSource;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.capture.CameraStats;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.metrics.LatencyLog;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The daemon under load: N replayed cameras offering more frames than the engine can take, through the real
 * capture threads, scheduler, rules and event store. Compares the total processed rate with what one stream gets
 * from the engine alone.
 */
public final class PipelineBench {

    public record CameraResult(String camera, double capturedFps, double processedFps, double dropRate, double latencyP50Ms,
                               double latencyP99Ms) {}

    /**
     * @param allocBytesPerFrame          bytes allocated by the whole process per processed frame
     * @param inferenceAllocBytesPerFrame bytes allocated by the inference thread alone per processed frame (the hot path)
     * @param cpuMsPerFrame               CPU time of the whole process per processed frame: what a frame costs, however
     *                                    busy the machine is with other work
     */
    public record Result(String model, int threads, double seconds, double engineLimitFps, double totalProcessedFps,
                         double ratio, List<CameraResult> cameras, double allocBytesPerFrame, double rssMb,
                         double inferenceAllocBytesPerFrame, double cpuMsPerFrame) {}

    /**
     * Where the bench says how far it is (the CLI: stderr, every few seconds), so a minute-long run is never silent.
     * Never the measured output: a line is text for a person.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = line -> {};

        void line(String line);
    }

    /** How often a running measurement reports. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    /** Something added to the daemon under test (the metrics and HTTP server with a scraper, for the overhead bench). */
    public interface Instrument {
        Wiring.Parts parts(Wiring.Parts parts);

        /** Config sections appended to the bench's own (e.g. {@code mqtt:} and {@code webhooks:}). */
        default String config() { return ""; }

        /** Called once vigil runs, before the warmup; what it returns is closed after the measurement. */
        AutoCloseable started(Vigil vigil) throws Exception;
    }

    /** Capture-to-decision latency per camera, taken from the result bus like any consumer. */
    private static final class Latencies implements FrameConsumer {
        final Map<String, LatencyLog> byCamera = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String name() { return "bench-latency"; }

        /** Like the metrics: late by a tenth of a second, never a wake-up per frame (the measurement must not cost). */
        @Override
        public java.time.Duration maxDelay() { return java.time.Duration.ofMillis(100); }

        @Override
        public void accept(FrameOutcome o, org.bytedeco.opencv.opencv_core.Mat pixels) {
            if (o instanceof FrameResult r) byCamera.computeIfAbsent(r.camera(), c -> new LatencyLog(1 << 14)).record(r.doneNanos() - r.captureNanos());
        }

        LatencyLog of(String camera) { return byCamera.computeIfAbsent(camera, c -> new LatencyLog(1 << 14)); }
    }

    private PipelineBench() {}

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private static long threadId(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals(name)) return t.threadId();
        return -1;
    }

    /** Waits out the measurement, saying every {@link #PROGRESS_EVERY} how far it is and the rate so far. */
    private static void measure(Vigil d, int cameras, long[] p0, long t0, Duration duration, Progress progress) throws InterruptedException {
        long end = t0 + duration.toNanos();
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            Thread.sleep(Duration.ofNanos(Math.min(end - now, PROGRESS_EVERY.toNanos())));
            long processed = 0;
            for (int i = 0; i < cameras; i++) processed += d.frames().processed("cam" + (i + 1)) - p0[i];
            double secs = (System.nanoTime() - t0) / 1e9;
            progress.line(String.format(Locale.ROOT, "measuring: %.0f of %d s, %.1f fps processed", Math.min(secs, duration.toSeconds()),
                    duration.toSeconds(), processed / secs));
        }
    }

    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup) throws Exception {
        return run(spec, options, frames, cameras, cameraFps, duration, warmup, Progress.NONE);
    }

    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, Progress progress) throws Exception {
        // The engine alone is measured before and after the pipeline and averaged, so slow drift of a shared machine
        // (other load, a noisy VM host) does not land on one side of the comparison only.
        progress.line("engine alone (before)...");
        double before = engineLimit(spec, options, frames);
        progress.line(String.format(Locale.ROOT, "engine alone: %.1f fps", before));
        Result r = run(spec, options, frames, cameras, cameraFps, duration, warmup, null, before, progress);
        progress.line("engine alone (after)...");
        double limit = (before + engineLimit(spec, options, frames)) / 2;
        return new Result(r.model(), r.threads(), r.seconds(), limit, r.totalProcessedFps(), r.totalProcessedFps() / limit,
                r.cameras(), r.allocBytesPerFrame(), r.rssMb(), r.inferenceAllocBytesPerFrame(), r.cpuMsPerFrame());
    }

    /** What one stream gets from the engine alone, frame after frame. */
    public static double engineLimit(ModelSpec spec, Analyzer.Options options, List<Mat> frames) {
        try (Analyzer a = Analyzer.open(spec, options)) {
            return Bench.run(a, frames, 500, 50, options.engineOptions().threads()).fps();
        }
    }

    /** @param instrument null for the daemon alone */
    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, Instrument instrument, double engineLimit) throws Exception {
        return run(spec, options, frames, cameras, cameraFps, duration, warmup, instrument, engineLimit, Progress.NONE);
    }

    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, Instrument instrument, double engineLimit,
                             Progress progress) throws Exception {
        Path events = Files.createTempDirectory("vigil-bench-events");
        StringBuilder yaml = new StringBuilder()
                .append("model: ").append(spec.model().toAbsolutePath()).append('\n')
                .append("threads: ").append(options.engineOptions().threads()).append('\n')
                .append("http: { listen: \"127.0.0.1:0\" }\n")
                .append("events: { dir: ").append(events).append(" }\n")
                .append("cameras:\n");
        Map<String, FrameSource> sources = new LinkedHashMap<>();
        for (int i = 1; i <= cameras; i++) {
            String name = "cam" + i;
            // A doorbell's rules: groups and a cooldown, so events are written as they would be in service.
            yaml.append("  ").append(name).append(":\n")
                    .append("    source: { folder: ").append(events).append(", fps: ").append(cameraFps).append(", loop: true }\n")
                    .append("    groups:\n")
                    .append("      person: { labels: [person], min_score: 0.5 }\n")
                    .append("      animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }\n")
                    .append("    cooldown_s: 30\n");
            sources.put(name, new ReplaySource(name, frames, cameraFps));
        }
        if (instrument != null) yaml.append(instrument.config());
        VigilConfig cfg = ConfigLoader.parse(yaml.toString(), events, Map.of());
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Latencies latencies = new Latencies();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withSources(sources).withConsumer(latencies).withHttp(false);
        if (instrument != null) parts = instrument.parts(parts);
        AutoCloseable added = null;
        try (Vigil d = Wiring.start(cfg, parts)) {
            if (instrument != null) added = instrument.started(d);
            progress.line(cameras + " camera(s) at " + cameraFps + " fps: warming up for " + warmup.toSeconds() + " s");
            Thread.sleep(warmup.toMillis());
            long inferenceThread = threadId("inference");
            long[] p0 = new long[cameras];
            List<CameraStats> s0 = d.cameraStats();
            for (int i = 0; i < cameras; i++) {
                p0[i] = d.frames().processed("cam" + (i + 1));
                latencies.of("cam" + (i + 1)).clear();
            }
            long cpu0 = processCpuNanos();
            long alloc0 = mx.getTotalThreadAllocatedBytes();
            long hot0 = inferenceThread < 0 ? -1 : mx.getThreadAllocatedBytes(inferenceThread);
            long t0 = System.nanoTime();
            measure(d, cameras, p0, t0, duration, progress);
            long t1 = System.nanoTime();
            long hot1 = inferenceThread < 0 ? -1 : mx.getThreadAllocatedBytes(inferenceThread);
            long alloc1 = mx.getTotalThreadAllocatedBytes();
            long cpu1 = processCpuNanos();
            List<CameraStats> s1 = d.cameraStats();
            double secs = (t1 - t0) / 1e9;
            List<CameraResult> per = new ArrayList<>();
            long processed = 0;
            double total = 0;
            for (int i = 0; i < cameras; i++) {
                var a = s0.get(i);
                var b = s1.get(i);
                long p = d.frames().processed(b.camera()) - p0[i];
                long captured = b.captured() - a.captured();
                long dropped = b.dropped() - a.dropped();
                processed += p;
                total += p / secs;
                LatencyLog l = latencies.of(b.camera());
                per.add(new CameraResult(b.camera(), captured / secs, p / secs, captured == 0 ? 0 : (double) dropped / captured,
                        l.percentileMs(0.5), l.percentileMs(0.99)));
            }
            return new Result(spec.name(), options.engineOptions().threads(), secs, engineLimit, total, total / engineLimit, per,
                    processed == 0 ? 0 : (double) (alloc1 - alloc0) / processed, Bench.rssMb(),
                    processed == 0 || hot0 < 0 ? Double.NaN : (double) (hot1 - hot0) / processed,
                    processed == 0 || cpu0 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e6 / processed);
        } finally {
            if (added != null) added.close();
            try (var st = Files.walk(events)) {
                st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
