package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.bench.Bench;
import dev.vigil.bench.BenchResult;
import dev.vigil.bench.DelegateComparison;
import dev.vigil.bench.MetricsOverhead;
import dev.vigil.bench.PipelineBench;
import dev.vigil.inference.Engines;
import dev.vigil.pipeline.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmark preprocess + inference + postprocess on 640x480 frames made from images.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (decoded once); required except with --compare.")
    Path images;

    @Option(names = {"-n", "--frames"}, defaultValue = "500", description = "Measured frames (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup", defaultValue = "50", description = "Frames run before measuring (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Option(names = "--sequential", description = "Preprocess on the inference thread, frame after frame (default: on a second "
            + "thread while the previous frame is inferred, as the daemon does).")
    boolean sequential;

    @Option(names = "--compare", split = ",", paramLabel = "DELEGATE[:THREADS[:FLAGS]]",
            description = "Compare raw invoke time of engine configurations, measured interleaved, e.g. "
                    + "--compare xnnpack:1,cpu:1,xnnpack:2,cpu:2,none:2 (FLAGS: XNNPACK delegate flags for xnnpack-ffm).")
    List<String> compare;

    @Option(names = "--rounds", defaultValue = "30", description = "Rounds for --compare (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--pipeline", description = "Run the daemon's whole pipeline with replayed cameras instead of one model loop.")
    boolean pipeline;

    @Option(names = "--cameras", defaultValue = "2", description = "Replayed cameras for --pipeline (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--camera-fps", defaultValue = "60", description = "Frames per second each replayed camera offers (default: ${DEFAULT-VALUE}).")
    double cameraFps;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds measured in --pipeline mode (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--scrape", description = "With --pipeline: compare the daemon alone with the daemon observed (metrics, live "
            + "view, HTTP server scraped at /metrics every second), in alternating rounds of --duration seconds each.")
    boolean scrape;

    @Option(names = "--rounds-pairs", defaultValue = "3", paramLabel = "N",
            description = "With --scrape: pairs of rounds, plain and observed (default: ${DEFAULT-VALUE}).")
    int pairs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Integer scrapeOverhead(List<Mat> decoded) throws Exception {
        if (cameras < 1 || cameraFps <= 0 || duration < 1 || pairs < 1)
            throw new Main.UsageException("--cameras, --camera-fps, --duration and --rounds-pairs must be positive");
        var r = MetricsOverhead.run(model.spec(Analyzer.Kind.DETECTOR), model.analyzerOptions(null, 5), decoded, cameras,
                cameraFps, java.time.Duration.ofSeconds(duration), java.time.Duration.ofSeconds(Math.min(10, Math.max(2, duration / 6))), pairs, progress());
        ObjectNode o = ImageCommand.JSON.objectNode();
        o.put("mode", "pipeline-scrape");
        o.put("model", r.plain().getFirst().model());
        o.put("threads", r.plain().getFirst().threads());
        o.put("cameras", cameras);
        o.put("round_seconds", duration);
        o.put("engine_limit_fps", ImageCommand.round(r.plain().getFirst().engineLimitFps(), 1));
        var pf = o.putArray("plain_fps");
        r.plain().forEach(x -> pf.add(ImageCommand.round(x.totalProcessedFps(), 2)));
        var of = o.putArray("observed_fps");
        r.observed().forEach(x -> of.add(ImageCommand.round(x.totalProcessedFps(), 2)));
        var pc = o.putArray("plain_cpu_ms_per_frame");
        r.plain().forEach(x -> pc.add(ImageCommand.round(x.cpuMsPerFrame(), 3)));
        var oc = o.putArray("observed_cpu_ms_per_frame");
        r.observed().forEach(x -> oc.add(ImageCommand.round(x.cpuMsPerFrame(), 3)));
        o.put("plain_fps_mean", ImageCommand.round(r.plainFps(), 2));
        o.put("observed_fps_mean", ImageCommand.round(r.observedFps(), 2));
        o.put("throughput_cost_percent", ImageCommand.round(r.throughputCostPercent(), 2));
        o.put("throughput_cost_percent_paired_median", ImageCommand.round(r.pairedCostPercent(), 2));
        o.put("cpu_ms_per_frame_plain", ImageCommand.round(r.plainCpuMsPerFrame(), 3));
        o.put("cpu_ms_per_frame_observed", ImageCommand.round(r.observedCpuMsPerFrame(), 3));
        o.put("throughput_cost_percent_from_cpu_per_frame", ImageCommand.round(r.cpuPerFrameCostPercent(), 2));
        o.put("observing_cpu_cores", ImageCommand.round(r.observingCores(), 4));
        o.put("observing_cpu_percent_of_machine", ImageCommand.round(r.cpuCostPercent(), 2));
        o.put("inference_thread_alloc_bytes_per_frame_plain", ImageCommand.round(r.plainInferenceAlloc(), 1));
        o.put("inference_thread_alloc_bytes_per_frame_observed", ImageCommand.round(r.observedInferenceAlloc(), 1));
        o.put("process_alloc_bytes_per_frame_plain", ImageCommand.round(r.plainProcessAlloc(), 1));
        o.put("process_alloc_bytes_per_frame_observed", ImageCommand.round(r.observedProcessAlloc(), 1));
        o.put("scrapes", r.scrapes());
        o.put("scrape_mean_ms", ImageCommand.round(r.scrapeMeanMs(), 2));
        o.put("exposition_bytes", r.scrapeBytes());
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? o.toString() : o.toPrettyString());
        out.flush();
        return Main.EXIT_OK;
    }

    private Integer pipeline(List<Mat> decoded) throws Exception {
        if (cameras < 1 || cameraFps <= 0 || duration < 1) throw new Main.UsageException("--cameras, --camera-fps and --duration must be positive");
        PipelineBench.Result r = PipelineBench.run(model.spec(Analyzer.Kind.DETECTOR), model.analyzerOptions(null, 5), decoded, cameras,
                cameraFps, java.time.Duration.ofSeconds(duration), java.time.Duration.ofSeconds(Math.min(10, Math.max(2, duration / 6))),
                progress());
        ObjectNode o = ImageCommand.JSON.objectNode();
        o.put("mode", "pipeline");
        o.put("model", r.model());
        o.put("threads", r.threads());
        o.put("seconds", ImageCommand.round(r.seconds(), 1));
        o.put("engine_limit_fps", ImageCommand.round(r.engineLimitFps(), 1));
        o.put("processed_fps", ImageCommand.round(r.totalProcessedFps(), 1));
        o.put("throughput_ratio", ImageCommand.round(r.ratio(), 3));
        var arr = o.putArray("cameras");
        for (var c : r.cameras()) {
            ObjectNode co = arr.addObject();
            co.put("camera", c.camera());
            co.put("captured_fps", ImageCommand.round(c.capturedFps(), 1));
            co.put("processed_fps", ImageCommand.round(c.processedFps(), 1));
            co.put("drop_rate", ImageCommand.round(c.dropRate(), 3));
            co.put("latency_p50_ms", ImageCommand.round(c.latencyP50Ms(), 2));
            co.put("latency_p99_ms", ImageCommand.round(c.latencyP99Ms(), 2));
        }
        o.put("alloc_bytes_per_frame", ImageCommand.round(r.allocBytesPerFrame(), 1));
        o.put("inference_thread_alloc_bytes_per_frame", ImageCommand.round(r.inferenceAllocBytesPerFrame(), 1));
        o.put("cpu_ms_per_frame", ImageCommand.round(r.cpuMsPerFrame(), 3));
        o.put("rss_mb", ImageCommand.round(r.rssMb(), 1));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? o.toString() : o.toPrettyString());
        out.flush();
        return Main.EXIT_OK;
    }

    /** Progress of a long run on stderr, never on stdout where the result (or its JSON) goes. */
    private PipelineBench.Progress progress() {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println("bench: " + line);
            err.flush();
        };
    }

    private Integer compare() {
        if (!Engines.TFLITE.equals(model.engine))
            throw new Main.UsageException("--compare measures delegates of engine tflite; drop --engine " + model.engine);
        List<DelegateComparison.Config> configs;
        try {
            configs = compare.stream().map(DelegateComparison.Config::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--compare: " + e.getMessage());
        }
        var resolved = model.spec(null); // once: resolving verifies the file's sha256 and reads its metadata
        var results = DelegateComparison.run(resolved.model(), configs, rounds, Math.max(1, frames / rounds));
        PrintWriter out = spec.commandLine().getOut();
        for (var r : results) {
            ObjectNode o = ImageCommand.JSON.objectNode();
            o.put("model", resolved.name());
            o.put("config", r.config().delegate().name().toLowerCase(Locale.ROOT) + ":" + r.config().threads());
            o.put("delegate", r.delegate());
            o.put("graph", r.graph());
            o.put("invokes", r.invokes());
            o.put("mean_ms", ImageCommand.round(r.meanMs(), 3));
            o.put("median_ms", ImageCommand.round(r.medianMs(), 3));
            o.put("p10_ms", ImageCommand.round(r.p10Ms(), 3));
            o.put("p90_ms", ImageCommand.round(r.p90Ms(), 3));
            out.println(o);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    @Override
    public Integer call() throws Exception {
        Main.logLevel(model.verbose);
        if (frames < 1) throw new Main.UsageException("--frames: " + frames + " must be at least 1");
        if ((compare == null || compare.isEmpty()) && images == null) throw new Main.UsageException("--images DIR is required");
        if (warmup < 0) throw new Main.UsageException("--warmup: " + warmup + " must not be negative");
        if (compare != null && !compare.isEmpty()) return compare();
        if (!Files.exists(images)) throw new Main.UsageException("--images " + images + ": no such folder");
        List<Mat> decoded = Bench.frames(images);
        if (decoded.isEmpty()) throw new Main.UsageException("--images " + images + ": no decodable image in it");
        if (scrape && !pipeline) throw new Main.UsageException("--scrape goes with --pipeline");
        if (pipeline) {
            try {
                return scrape ? scrapeOverhead(decoded) : pipeline(decoded);
            } finally {
                decoded.forEach(Mat::close);
            }
        }
        BenchResult r;
        try (Analyzer a = Analyzer.open(model.spec(null), model.analyzerOptions(null, 5))) {
            r = sequential ? Bench.run(a, decoded, frames, warmup, model.threads)
                    : Bench.runOverlapped(a, decoded, frames, warmup, model.threads);
        } finally {
            decoded.forEach(Mat::close);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = ImageCommand.JSON.objectNode();
            o.put("model", r.model());
            o.put("frames", r.frames());
            o.put("threads", r.threads());
            o.put("delegate", r.delegate());
            o.put("fps", ImageCommand.round(r.fps(), 1));
            o.put("e2e_ms", ImageCommand.round(r.e2eMs(), 3));
            o.put("latency_ms", ImageCommand.round(r.latencyMs(), 3));
            o.put("preprocess_ms", ImageCommand.round(r.preprocessMs(), 3));
            o.put("invoke_ms", ImageCommand.round(r.invokeMs(), 3));
            o.put("postprocess_ms", ImageCommand.round(r.postprocessMs(), 3));
            o.put("invoke_p99_ms", ImageCommand.round(r.invokeP99Ms(), 3));
            o.put("alloc_bytes_per_frame", ImageCommand.round(r.allocBytesPerFrame(), 1));
            o.put("rss_mb", ImageCommand.round(r.rssMb(), 1));
            out.println(o);
        } else {
            out.println(String.format(Locale.ROOT,
                    "%s: %d frames, %d threads, %s: %.1f fps, e2e %.2f ms, latency %.2f ms (preprocess %.2f, invoke %.2f, postprocess %.3f), "
                            + "invoke p99 %.2f ms, %.0f bytes allocated per frame, RSS %.0f MB",
                    r.model(), r.frames(), r.threads(), r.delegate(), r.fps(), r.e2eMs(), r.latencyMs(), r.preprocessMs(), r.invokeMs(),
                    r.postprocessMs(), r.invokeP99Ms(), r.allocBytesPerFrame(), r.rssMb()));
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
