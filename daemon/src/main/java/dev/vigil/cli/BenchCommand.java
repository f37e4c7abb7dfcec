package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.bench.Bench;
import dev.vigil.bench.BenchResult;
import dev.vigil.bench.DelegateComparison;
import dev.vigil.bench.Fleet;
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

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (decoded once); default: the test-images"
            + " catalog's photos, from the mirror or pulled once like the demo's.")
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

    @Option(names = "--abba", description = "With --pipeline: the daemon with MQTT and webhooks off (A) and on (B), in legs A B B A of "
            + "--duration seconds; prints throughput and capture-to-decision latency of both sides, the difference and the noise "
            + "(the spread across the A legs). The fleet: --with-fleet, --mqtt, --webhook; and/or --with-sampling.")
    boolean abba;

    @Option(names = "--blocks", defaultValue = "1", paramLabel = "N",
            description = "With --abba: A B B A blocks, one after the other; from 2 on, a difference is judged by its 95% confidence "
                    + "interval over the blocks (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--with-fleet", description = "With --abba: start what --mqtt and --webhook do not name: Mosquitto on 127.0.0.1 "
            + "(/usr/sbin/mosquitto) and an HTTP sink for the webhook.")
    boolean withFleet;

    @Option(names = "--with-sampling", description = "With --abba: hard-example sampling on in the B legs, every strategy (novelty too), "
            + "into a dataset store in a temporary folder, with the default limits.")
    boolean withSampling;

    @Option(names = "--mqtt", paramLabel = "URL", description = "With --abba: a broker taking anonymous clients, mqtt://host[:port]; "
            + "a subscriber on # is connected to it.")
    java.net.URI mqttUrl;

    @Option(names = "--webhook", paramLabel = "URL", description = "With --abba: a webhook receiver, http(s)://...; it gets new, update and end.")
    java.net.URI webhookUrl;

    @Option(names = "--swap", description = "Hot swap: --cameras replayed cameras at --swap-fps through the daemon while the model is deployed"
            + " there and back --swaps times; prints the longest gap between two processed frames during a deploy, in frame periods,"
            + " and the resident memory after each round trip.")
    boolean swap;

    @Option(names = "--swaps", defaultValue = "5", description = "Round trips for --swap (default: ${DEFAULT-VALUE}).")
    int swaps;

    @Option(names = "--swap-fps", defaultValue = "10", description = "Frames per second of each camera for --swap (default: ${DEFAULT-VALUE}).")
    double swapFps;

    @Option(names = "--second-stage", paramLabel = "MODEL", description = "Second-stage cost: the detector on each frame, then --crops "
            + "boxes cropped and classified by MODEL (a classifier's catalog name or file); ms per crop and per frame.")
    String secondStage;

    @Option(names = "--crops", defaultValue = "5", description = "Boxes per frame for --second-stage (default: ${DEFAULT-VALUE}).")
    int crops;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Integer secondStage(List<Mat> decoded) {
        if (crops < 1 || crops > 8) throw new Main.UsageException("--crops: " + crops + " must be within 1..8");
        dev.vigil.bench.SecondStageBench.Result r;
        try (Analyzer det = Analyzer.open(model.spec(Analyzer.Kind.DETECTOR), model.analyzerOptions(Analyzer.Kind.DETECTOR, 5))) {
            Analyzer cls = Analyzer.open(model.spec(Analyzer.Kind.CLASSIFIER, secondStage, false), model.analyzerOptions(Analyzer.Kind.CLASSIFIER, 5));
            r = dev.vigil.bench.SecondStageBench.run(det, cls, decoded, frames, warmup, crops, model.threads);
        }
        ObjectNode o = ImageCommand.JSON.objectNode();
        o.put("mode", "second-stage");
        o.put("detector", r.detector());
        o.put("classifier", r.classifier());
        o.put("threads", r.threads());
        o.put("frames", r.frames());
        o.put("crops_per_frame", r.crops());
        o.put("detector_ms_per_frame", ImageCommand.round(r.detectorMs(), 3));
        o.put("second_stage_ms_per_frame", ImageCommand.round(r.frameMs(), 3));
        o.put("second_stage_ms_per_crop", ImageCommand.round(r.cropMs(), 3));
        o.put("second_stage_p99_ms_per_frame", ImageCommand.round(r.frameP99Ms(), 3));
        o.put("second_stage_alloc_bytes_per_frame", ImageCommand.round(r.allocBytesPerFrame(), 1));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? o.toString() : o.toPrettyString());
        out.flush();
        return Main.EXIT_OK;
    }

    private Integer swap(List<Mat> decoded) throws Exception {
        if (cameras < 1 || swapFps <= 0 || swaps < 1) throw new Main.UsageException("--cameras, --swap-fps and --swaps must be positive");
        dev.vigil.bench.SwapBench.Result r = dev.vigil.bench.SwapBench.run(model.spec(Analyzer.Kind.DETECTOR), model.threads, decoded,
                cameras, swapFps, swaps, progress());
        ObjectNode o = ImageCommand.JSON.objectNode();
        o.put("mode", "swap");
        o.put("model", r.model());
        o.put("cameras", r.cameras());
        o.put("camera_fps", r.cameraFps());
        o.put("deploys", 2 * r.swaps());
        o.put("max_gap_frame_periods", ImageCommand.round(r.maxGapPeriods(), 2));
        o.put("baseline_max_gap_frame_periods", ImageCommand.round(r.baselineGapPeriods(), 2));
        o.put("deploy_mean_ms", ImageCommand.round(r.meanDeployMs(), 1));
        o.put("deploy_max_ms", ImageCommand.round(r.maxDeployMs(), 1));
        var rss = o.putArray("rss_mb_after_round_trips");
        r.rssMb().forEach(x -> rss.add(ImageCommand.round(x, 1)));
        o.put("rss_growth_mb", ImageCommand.round(r.rssMb().getLast() - r.rssMb().get(1 < r.rssMb().size() ? 1 : 0), 1));
        o.put("last_deploy", r.messages().getLast());
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? o.toString() : o.toPrettyString());
        out.flush();
        return Main.EXIT_OK;
    }

    private Integer fleetOverhead(List<Mat> decoded) throws Exception {
        if (cameras < 1 || cameraFps <= 0 || duration < 1 || blocks < 1)
            throw new Main.UsageException("--cameras, --camera-fps, --duration and --blocks must be positive");
        if (!withFleet && mqttUrl == null && webhookUrl == null && !withSampling)
            throw new Main.UsageException("--abba compares with a fleet or sampling: give --with-fleet, --mqtt URL and/or --webhook URL, or --with-sampling");
        dev.vigil.bench.FleetOverhead.Result r;
        try (Fleet fleet = startFleet(); dev.vigil.bench.SamplingOn sampling = withSampling ? dev.vigil.bench.SamplingOn.start() : null) {
            r = dev.vigil.bench.FleetOverhead.run(model.spec(Analyzer.Kind.DETECTOR), model.analyzerOptions(null, 5), decoded, cameras,
                    cameraFps, java.time.Duration.ofSeconds(duration), java.time.Duration.ofSeconds(Math.min(10, Math.max(2, duration / 6))),
                    blocks, fleet, sampling, progress());
            ObjectNode o = ImageCommand.JSON.objectNode();
            o.put("mode", "pipeline-abba");
            o.put("model", r.legs().getFirst().result().model());
            o.put("threads", r.legs().getFirst().result().threads());
            o.put("cameras", cameras);
            o.put("leg_seconds", duration);
            o.put("blocks", blocks);
            o.put("engine_limit_fps", ImageCommand.round(r.legs().getFirst().result().engineLimitFps(), 1));
            o.put("mqtt", fleet.mqtt());
            o.put("webhook", fleet.webhook());
            o.put("sampling", withSampling);
            var legs = o.putArray("legs");
            for (var l : r.legs()) {
                ObjectNode lo = legs.addObject();
                lo.put("leg", l.fleet() ? "B" : "A");
                lo.put("fleet", l.fleet());
                lo.put("processed_fps", ImageCommand.round(l.fps(), 2));
                lo.put("latency_p50_ms", ImageCommand.round(l.latencyP50Ms(), 2));
                lo.put("latency_p99_ms", ImageCommand.round(l.latencyP99Ms(), 2));
                lo.put("cpu_ms_per_frame", ImageCommand.round(l.result().cpuMsPerFrame(), 3));
                lo.put("subscriber_messages", l.subscriberMessages());
                lo.put("webhook_posts", l.webhookPosts());
                lo.put("samples_kept", l.samplesKept());
            }
            comparison(o.putObject("processed_fps"), r.fps(), 2);
            comparison(o.putObject("latency_p50_ms"), r.latencyP50Ms(), 2);
            comparison(o.putObject("latency_p99_ms"), r.latencyP99Ms(), 2);
            comparison(o.putObject("cpu_ms_per_frame"), r.cpuMsPerFrame(), 3);
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? o.toString() : o.toPrettyString());
            out.flush();
        }
        return Main.EXIT_OK;
    }

    private Fleet startFleet() throws Exception {
        try {
            return Fleet.start(mqttUrl, webhookUrl, withFleet);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }

    private static void comparison(ObjectNode o, dev.vigil.bench.FleetOverhead.Comparison c, int digits) {
        o.put("off", ImageCommand.round(c.off(), digits));
        o.put("on", ImageCommand.round(c.on(), digits));
        o.put("difference", ImageCommand.round(c.difference(), digits));
        o.put("difference_percent", ImageCommand.round(c.differencePercent(), 2));
        o.put("noise", ImageCommand.round(c.noise(), digits));
        o.put("spread_on", ImageCommand.round(c.onSpread(), digits));
        if (c.blocks() > 1) o.put("ci95", ImageCommand.round(c.ci95(), digits));
        o.put("within_noise", c.withinNoise());
    }

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
        if (warmup < 0) throw new Main.UsageException("--warmup: " + warmup + " must not be negative");
        if (compare != null && !compare.isEmpty()) return compare();
        if (images == null) images = RunCommand.demoImages(model.store());
        if (!Files.exists(images)) throw new Main.UsageException("--images " + images + ": no such folder");
        List<Mat> decoded = Bench.frames(images);
        if (decoded.isEmpty()) throw new Main.UsageException("--images " + images + ": no decodable image in it");
        if (scrape && !pipeline) throw new Main.UsageException("--scrape goes with --pipeline");
        if (abba && (!pipeline || scrape)) throw new Main.UsageException("--abba goes with --pipeline (and not --scrape)");
        if (!abba && (withFleet || mqttUrl != null || webhookUrl != null || withSampling))
            throw new Main.UsageException("--with-fleet, --mqtt, --webhook and --with-sampling go with --pipeline --abba");
        if (secondStage != null) {
            if (pipeline || swap || scrape || abba) throw new Main.UsageException("--second-stage goes alone (not with --pipeline or --swap)");
            try {
                return secondStage(decoded);
            } finally {
                decoded.forEach(Mat::close);
            }
        }
        if (swap) {
            try {
                return swap(decoded);
            } finally {
                decoded.forEach(Mat::close);
            }
        }
        if (pipeline) {
            try {
                return abba ? fleetOverhead(decoded) : scrape ? scrapeOverhead(decoded) : pipeline(decoded);
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
