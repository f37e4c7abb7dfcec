package dev.vigil.bench;

import dev.vigil.capture.FrameSource;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.swap.DeployRequest;
import dev.vigil.swap.DeployResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The pause a hot swap makes: replayed cameras run through the whole daemon while the model is deployed there and back
 * (a copy of it with a few bytes appended, so it is another file, and the original), and the longest gap between two
 * processed frames of a camera is measured, in frame periods of that camera, during each deploy (load, self-test on
 * the deploy thread beside the live model, switch) and, for comparison, over as long a time without one. Also the
 * process's resident memory after each round trip, with a {@code System.gc()} first: the models closed return theirs.
 */
public final class SwapBench {

    /**
     * @param maxGapPeriods     longest gap between two processed frames of one camera during any deploy, in frame periods
     * @param baselineGapPeriods the same over the quiet time between deploys
     * @param rssMb             resident memory after each round trip (index 0: before the first)
     */
    public record Result(String model, int cameras, double cameraFps, int swaps, double maxGapPeriods, double baselineGapPeriods,
                         double meanDeployMs, double maxDeployMs, List<Double> rssMb, List<String> messages) {}

    /** The processed frames' times per camera, taken from the bus like any consumer. */
    private static final class Gaps implements FrameConsumer {
        final Map<String, List<long[]>> done = new ConcurrentHashMap<>();

        @Override public String name() { return "bench-gaps"; }
        @Override public int capacity() { return 100_000; }
        @Override public Duration maxDelay() { return Duration.ofMillis(100); }

        @Override
        public void accept(FrameOutcome o, Mat pixels) {
            if (o instanceof dev.vigil.pipeline.FrameResult r)
                done.computeIfAbsent(r.camera(), c -> java.util.Collections.synchronizedList(new ArrayList<>())).add(new long[] {r.doneNanos()});
        }

        /**
         * The longest gap between consecutive processed frames of any camera: with {@code overlapping}, of the gaps that
         * overlap [from, to] (a deploy); else of those wholly inside it (a quiet time).
         */
        long maxGap(long from, long to, boolean overlapping) {
            long max = 0;
            for (List<long[]> l : done.values()) {
                synchronized (l) {
                    for (int i = 1; i < l.size(); i++) {
                        long a = l.get(i - 1)[0], b = l.get(i)[0];
                        boolean in = overlapping ? b >= from && a <= to : a >= from && b <= to;
                        if (in) max = Math.max(max, b - a);
                    }
                }
            }
            return max;
        }
    }

    private SwapBench() {}

    public static Result run(ModelSpec spec, int threads, List<Mat> frames, int cameras, double cameraFps, int swaps,
                             PipelineBench.Progress progress) throws Exception {
        Path dir = Files.createTempDirectory("vigil-bench-swap");
        try {
            Path original = spec.model().toAbsolutePath();
            byte[] bytes = Files.readAllBytes(original);
            Path copy = dir.resolve("swap-copy-" + original.getFileName());
            Files.write(copy, java.util.Arrays.copyOf(bytes, bytes.length + 16)); // another file, the same network
            if (spec.labels().isPresent()) { // beside it, as a retrained model's would be
                var l = spec.labels().get();
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) lines.add(l.label(i));
                String stem = copy.getFileName().toString().replaceFirst("\\.tflite$", "");
                Files.write(copy.resolveSibling(stem + ".txt"), lines);
            }
            StringBuilder yaml = new StringBuilder()
                    .append("model: ").append(original).append('\n')
                    .append("threads: ").append(threads).append('\n')
                    .append("events: { dir: ").append(dir.resolve("events")).append(" }\n")
                    .append("models: { probation_s: 0 }\n")
                    .append("cameras:\n");
            Map<String, FrameSource> sources = new LinkedHashMap<>();
            for (int i = 1; i <= cameras; i++) {
                yaml.append("  cam").append(i).append(":\n")
                        .append("    source: { folder: ").append(dir).append(", fps: ").append(cameraFps).append(", loop: true }\n")
                        .append("    groups:\n")
                        .append("      person: { labels: [person], min_score: 0.5 }\n")
                        .append("      animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }\n")
                        .append("    cooldown_s: 30\n");
                sources.put("cam" + i, new ReplaySource("cam" + i, frames, cameraFps));
            }
            VigilConfig cfg = ConfigLoader.parse(yaml.toString(), dir, Map.of());
            Gaps gaps = new Gaps();
            Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withSources(sources).withConsumer(gaps).withHttp(false);
            long period = Math.round(1e9 / cameraFps);
            List<Double> rss = new ArrayList<>();
            List<String> messages = new ArrayList<>();
            double maxGap = 0, baseGap = 0, sumMs = 0, maxMs = 0;
            try (Vigil v = Wiring.start(cfg, parts)) {
                progress.line(cameras + " camera(s) at " + cameraFps + " fps: warming up (reference frames fill)");
                Thread.sleep(3000);
                rss.add(settledRss());
                for (int i = 0; i < swaps; i++) {
                    for (Path target : new Path[] {copy, original}) {
                        Thread.sleep(500); // past the collection of the memory measurement
                        long q0 = System.nanoTime();
                        Thread.sleep(1500); // quiet time: the baseline
                        long t0 = System.nanoTime();
                        baseGap = Math.max(baseGap, gaps.maxGap(q0, t0, false) / (double) period);
                        DeployResult r = v.deployModel(new DeployRequest(target.toString(), false, "bench"));
                        long t1 = System.nanoTime();
                        if (!r.switched()) throw new IllegalStateException("deploy refused: " + r.message());
                        messages.add(r.message());
                        Thread.sleep(Math.max(500, 3 * period / 1_000_000)); // the frames after the switch reach the bus
                        maxGap = Math.max(maxGap, gaps.maxGap(t0, t1, true) / (double) period);
                        double ms = (t1 - t0) / 1e6;
                        sumMs += ms;
                        maxMs = Math.max(maxMs, ms);
                    }
                    rss.add(settledRss());
                    progress.line(String.format(Locale.ROOT, "round trip %d of %d: longest gap so far %.2f frame periods, rss %.1f MB",
                            i + 1, swaps, maxGap, rss.getLast()));
                }
            }
            return new Result(spec.name(), cameras, cameraFps, swaps, maxGap, baseGap, sumMs / (2.0 * swaps), maxMs, rss, messages);
        } finally {
            try (var st = Files.walk(dir)) {
                st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Resident memory after a collection and a moment for the closes on the swap's thread. */
    static double settledRss() throws InterruptedException {
        System.gc();
        Thread.sleep(300);
        System.gc();
        Thread.sleep(200);
        return Bench.rssMb();
    }
}
