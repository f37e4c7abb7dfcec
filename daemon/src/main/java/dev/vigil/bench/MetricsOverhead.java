package dev.vigil.bench;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What observing costs the frame path: the pipeline benchmark without, then with the HTTP server being scraped at {@code /metrics} every second, in alternating rounds so that a machine whose speed
 * drifts (heat, other load) affects both alike. Compares the processed frame rate and the allocation per frame.
 */
public final class MetricsOverhead {

    /**
     * @param plain          the daemon alone, one result per round
     * @param observed       with metrics, live view, HTTP and the scraper, one per round
     * @param scrapes        scrapes made in the observed rounds
     * @param scrapeMeanMs   mean time of one scrape, as the scraper saw it
     * @param scrapeBytes    size of the last exposition
     * @param observingCores CPU time of the observing threads (HTTP server, metrics sampler, the scraper and its
     *                       client) over wall time, in cores: what observing takes from inference on a saturated machine,
     *                       whatever else runs on it
     * @param cores          the machine's cores
     */
    public record Result(List<PipelineBench.Result> plain, List<PipelineBench.Result> observed, long scrapes, double scrapeMeanMs,
                         long scrapeBytes, double observingCores, int cores) {

        /** {@link #observingCores()} as a share of the machine, in percent: the throughput cost where inference uses every core. */
        public double cpuCostPercent() { return observingCores / cores * 100; }

        /** The median over the pairs of (plain - observed) / plain, in percent: a pair runs back to back, so drift cancels. */
        public double pairedCostPercent() {
            double[] d = new double[plain.size()];
            for (int i = 0; i < d.length; i++)
                d[i] = (plain.get(i).totalProcessedFps() - observed.get(i).totalProcessedFps()) / plain.get(i).totalProcessedFps() * 100;
            java.util.Arrays.sort(d);
            return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
        }

        public double plainFps() { return mean(plain, PipelineBench.Result::totalProcessedFps); }

        public double observedFps() { return mean(observed, PipelineBench.Result::totalProcessedFps); }

        /** Throughput lost to observing, in percent of the plain rate (negative: the observed rounds were faster). */
        public double throughputCostPercent() { return (plainFps() - observedFps()) / plainFps() * 100; }

        public double plainCpuMsPerFrame() { return mean(plain, PipelineBench.Result::cpuMsPerFrame); }

        public double observedCpuMsPerFrame() { return mean(observed, PipelineBench.Result::cpuMsPerFrame); }

        /**
         * The throughput a machine that does nothing else would lose, in percent: frames are CPU-bound, so the rate
         * goes as one over the CPU time per frame.
         */
        public double cpuPerFrameCostPercent() { return (1 - plainCpuMsPerFrame() / observedCpuMsPerFrame()) * 100; }

        public double plainInferenceAlloc() { return mean(plain, PipelineBench.Result::inferenceAllocBytesPerFrame); }

        public double observedInferenceAlloc() { return mean(observed, PipelineBench.Result::inferenceAllocBytesPerFrame); }

        public double plainProcessAlloc() { return mean(plain, PipelineBench.Result::allocBytesPerFrame); }

        public double observedProcessAlloc() { return mean(observed, PipelineBench.Result::allocBytesPerFrame); }

        private static double mean(List<PipelineBench.Result> rs, java.util.function.ToDoubleFunction<PipelineBench.Result> f) {
            return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
        }
    }

    private MetricsOverhead() {}

    /** {@code rounds} pairs of (plain, observed) runs of {@code duration} each, after one engine-limit measurement. */
    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, int rounds) throws Exception {
        return run(spec, options, frames, cameras, cameraFps, duration, warmup, rounds, PipelineBench.Progress.NONE);
    }

    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, int rounds, PipelineBench.Progress progress) throws Exception {
        progress.line("engine alone...");
        double engineLimit = PipelineBench.engineLimit(spec, options, frames);
        List<PipelineBench.Result> plain = new ArrayList<>(), observed = new ArrayList<>();
        AtomicLong scrapes = new AtomicLong(), scrapeNanos = new AtomicLong(), scrapeBytes = new AtomicLong();
        AtomicLong observingCpuNanos = new AtomicLong(), observedWallNanos = new AtomicLong();
        PipelineBench.Instrument scraped = new PipelineBench.Instrument() {
            @Override
            public dev.vigil.daemon.Wiring.Parts parts(dev.vigil.daemon.Wiring.Parts p) {
                return p.withHttp(true);
            }

            @Override
            public AutoCloseable started(dev.vigil.daemon.Vigil vigil) {
                Scraper s = new Scraper(URI.create("http://" + vigil.http().address() + "/metrics"), scrapes, scrapeNanos, scrapeBytes);
                ObservingCpu cpu = new ObservingCpu();
                long t0 = System.nanoTime();
                return () -> {
                    observingCpuNanos.addAndGet(cpu.nanosSinceStart());
                    observedWallNanos.addAndGet(System.nanoTime() - t0);
                    s.close();
                };
            }
        };
        for (int r = 0; r < rounds; r++) {
            // ABBA: plain first in even pairs, observed first in odd ones, so a steady drift weighs on both alike.
            int pair = r + 1;
            PipelineBench.Progress plainP = line -> progress.line("pair " + pair + " of " + rounds + ", plain: " + line);
            PipelineBench.Progress observedP = line -> progress.line("pair " + pair + " of " + rounds + ", observed: " + line);
            if (r % 2 == 0) {
                plain.add(PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, null, engineLimit, plainP));
                observed.add(PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, scraped, engineLimit, observedP));
            } else {
                observed.add(PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, scraped, engineLimit, observedP));
                plain.add(PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, null, engineLimit, plainP));
            }
        }
        long n = scrapes.get();
        return new Result(plain, observed, n, n == 0 ? Double.NaN : scrapeNanos.get() / 1e6 / n, scrapeBytes.get(),
                (double) observingCpuNanos.get() / observedWallNanos.get(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * CPU time of the threads that serve and scrape (names: vigil-http-*, vigil-metrics, vigil-http-watchdog, the
     * server's HTTP-Dispatcher, bench-scraper and the client's HttpClient-*). Threads are sampled at the start and
     * polled every 500 ms (names through ThreadMXBean without stacks: no safepoint that would stop the frame path) so
     * that pool threads that come and go are counted too.
     */
    private static final class ObservingCpu {
        private final java.util.Map<Long, Long> start = new java.util.HashMap<>();
        private final java.util.Map<Long, Long> last = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread poller;
        private volatile boolean running = true;

        ObservingCpu() {
            poll(start);
            start.forEach(last::put);
            poller = Thread.ofPlatform().name("bench-cpu-poller").daemon(true).start(() -> {
                while (running) {
                    poll(last);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private static void poll(java.util.Map<Long, Long> into) {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
                if (t == null) continue;
                String n = t.getThreadName();
                if (n.startsWith("vigil-http") || n.equals("vigil-metrics") || n.equals("HTTP-Dispatcher") || n.equals("bench-scraper")
                        || n.startsWith("HttpClient-")) {
                    long c = mx.getThreadCpuTime(t.getThreadId());
                    if (c >= 0) into.put(t.getThreadId(), c);
                }
            }
        }

        long nanosSinceStart() throws InterruptedException {
            running = false;
            poller.interrupt();
            poller.join(1000);
            poll(last);
            long sum = 0;
            for (var e : last.entrySet()) sum += e.getValue() - start.getOrDefault(e.getKey(), 0L);
            return sum;
        }
    }

    /** Prometheus in miniature: GET /metrics once a second, reading the whole answer. */
    private static final class Scraper implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        Scraper(URI uri, AtomicLong count, AtomicLong nanos, AtomicLong bytes) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
            thread = Thread.ofPlatform().name("bench-scraper").daemon(true).start(() -> {
                while (running) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                        try (InputStream in = r.body()) {
                            bytes.set(in.transferTo(java.io.OutputStream.nullOutputStream()));
                        }
                        if (r.statusCode() == 200) {
                            count.incrementAndGet();
                            nanos.addAndGet(System.nanoTime() - t0);
                        }
                    } catch (java.io.IOException e) {
                        // counted as a missed scrape
                    } catch (InterruptedException e) {
                        return;
                    }
                    long left = 1_000_000_000L - (System.nanoTime() - t0);
                    try {
                        if (left > 0) Thread.sleep(Duration.ofNanos(left));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }
    }
}
