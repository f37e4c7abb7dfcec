package dev.vigil.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.bench.Bench;
import dev.vigil.bench.BenchResult;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.PowerConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.eval.Dataset;
import dev.vigil.eval.Datasets;
import dev.vigil.eval.DetectionMetrics;
import dev.vigil.eval.EnergyMeter;
import dev.vigil.eval.EvalJson;
import dev.vigil.eval.FrameCache;
import dev.vigil.eval.Evaluation;
import dev.vigil.eval.HtmlReport;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", description = {"Measure a model on a labelled dataset: accuracy, invoke time, size and energy.",
        "Datasets: a folder with one folder of images per class (classification: top-1, top-5, per-class precision and recall, "
                + "confusion matrix); a COCO .json file or a folder holding one, or a Pascal VOC folder (detection: mAP@0.5:0.95 "
                + "and mAP@0.5 computed as pycocotools does, per-class AP, precision and recall at each configured group's "
                + "min_score or at --threshold). Class and category names are matched to the model's labels (no case, _ as space, "
                + "any comma-separated synonym); a name matching none is reported."})
final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = {"-d", "--dataset"}, required = true, paramLabel = "PATH", description = "Dataset folder, or a COCO annotation .json file.")
    Path dataset;

    @Option(names = "--compare", paramLabel = "MODEL", description = "A second model (file or catalog name) evaluated on the same data, side by side.")
    String compare;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "Write one self-contained HTML page: figures, PR curves or confusion matrix, worst misses.")
    Path report;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A vigil config: precision and recall at each camera group's min_score; its power settings.")
    Path config;

    @Option(names = "--threshold", defaultValue = "0.5", description = "Operating score threshold without --config (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = {"-s", "--min-score"}, defaultValue = "0.01", description = "Lowest detection score kept for mAP (default: ${DEFAULT-VALUE}).")
    float minScore;

    @Option(names = "--passes", defaultValue = "1", description = "Runs over the dataset; timing from all, accuracy from the first (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup", defaultValue = "3", description = "Inferences before timing (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--power", defaultValue = "auto", paramLabel = "SOURCE",
            description = "Energy per inference from: auto, ina3221, pmic, hwmon, rapl, estimate or off (default: ${DEFAULT-VALUE}; a --config's power section wins).")
    String power;

    @Option(names = "--vs-bench", description = "Also run `vigil bench`'s loop (frames decoded once, preprocessing overlapped) on the "
            + "dataset's images at eval's inference threads and report eval's images/s against its frames/s (overall, first pass, later passes): "
            + "decoding from disk must not slow the model down.")
    boolean vsBench;

    @Option(names = "--cache", defaultValue = "memory", paramLabel = "WHERE",
            description = "Images scaled to the model's input kept for later passes and --compare's second model: off, memory (up to "
                    + "--cache-memory-mb) or disk (also in --cache-dir, for later runs) (default: ${DEFAULT-VALUE}).")
    String cache;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "The disk cache's folder (default: eval-cache in the model store).")
    Path cacheDir;

    @Option(names = "--cache-max-mb", defaultValue = "512", description = "The disk cache's size; the least recently used go first (default: ${DEFAULT-VALUE}).")
    long cacheMaxMb;

    @Option(names = "--cache-memory-mb", defaultValue = "64", description = "Native memory for cached images; once full, the rest is decoded each pass (default: ${DEFAULT-VALUE}).")
    long cacheMemoryMb;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Main.logLevel(model.verbose);
        if (passes < 1 || warmup < 0) throw new Main.UsageException("--passes must be at least 1 and --warmup at least 0");
        if (!(threshold >= 0 && threshold <= 1)) throw new Main.UsageException("--threshold: " + threshold + " is not within 0..1");
        if (!(minScore >= 0 && minScore <= 1)) throw new Main.UsageException("--min-score: " + minScore + " is not within 0..1");
        Dataset ds;
        try {
            ds = Datasets.open(dataset);
            Datasets.checkFiles(ds);
        } catch (Dataset.BadDatasetException e) {
            throw new Main.UsageException(e.getMessage());
        }
        Analyzer.Kind kind = Evaluation.kindFor(ds);
        VigilConfig cfg = config == null ? null : ConfigLoader.load(config);
        Evaluation.Settings settings = new Evaluation.Settings(minScore, threshold, passes, warmup, groups(cfg));
        Analyzer.Options benchOptions = model.analyzerOptions(kind, 5); // what `vigil bench` runs
        PrintWriter err = spec.commandLine().getErr();
        Analyzer.Options options = decodingCore(benchOptions, err);
        List<Evaluation.ModelEval> evals = new ArrayList<>();
        List<ModelSpec> specs = new ArrayList<>(List.of(model.spec(kind)));
        if (compare != null) specs.add(model.spec(kind, compare, false));
        try (EnergyMeter meter = energy(cfg); FrameCache frames = frameCache()) {
            for (ModelSpec s : specs) {
                err.println("eval: " + s.name() + " on " + ds.files().size() + " images" + (passes > 1 ? " x " + passes : ""));
                err.flush();
                try {
                    evals.add(Evaluation.run(s, options, ds, settings, meter, n -> { err.println("eval: " + n + " images"); err.flush(); }, frames));
                } catch (Analyzer.WrongKindException e) {
                    throw new Main.UsageException(e.getMessage() + ", and " + dataset + " is a dataset for a " + kind.word() + " (" + ds.format() + ")"
                            + "; give a " + (kind == Analyzer.Kind.CLASSIFIER ? "COCO or Pascal VOC dataset" : "folder of class folders") + " for this model");
                }
            }
        }
        for (var e : evals) {
            for (String w : e.classification() != null ? e.classification().warnings() : e.detection().warnings()) err.println("vigil: warning: " + e.model() + ": " + w);
            for (String w : e.run().errors()) err.println("vigil: " + w);
        }
        ObjectNode out = EvalJson.json(ds, evals);
        String benchLine = vsBench ? vsBench(specs.getFirst(), options, ds, evals.getFirst(), out) : null;
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(report, HtmlReport.render(ds, evals));
            err.println("eval: report written to " + report);
        }
        err.flush();
        PrintWriter o = spec.commandLine().getOut();
        if (json) o.println(out);
        else {
            o.print(EvalJson.text(ds, evals));
            if (benchLine != null) o.println(benchLine);
        }
        o.flush();
        return evals.stream().anyMatch(e -> !e.run().errors().isEmpty()) ? Main.EXIT_FAILED_INPUTS : Main.EXIT_OK;
    }

    private FrameCache frameCache() {
        if (cacheMaxMb < 1 || cacheMemoryMb < 0) throw new Main.UsageException("--cache-max-mb must be at least 1 and --cache-memory-mb at least 0");
        return switch (cache) {
            case "off" -> null;
            case "memory" -> new FrameCache(cacheMemoryMb << 20, null, 0);
            case "disk" -> new FrameCache(cacheMemoryMb << 20, cacheDir != null ? cacheDir : model.store().home().resolve("eval-cache"), cacheMaxMb << 20);
            default -> throw new Main.UsageException("--cache: " + cache + " is not one of off, memory, disk");
        };
    }

    private List<DetectionMetrics.Group> groups(VigilConfig cfg) {
        if (cfg == null) return List.of();
        List<DetectionMetrics.Group> out = new ArrayList<>();
        var cams = cfg.enabledCameras();
        for (var cam : cams)
            for (var g : cam.rules().groups().values())
                out.add(new DetectionMetrics.Group(cams.size() == 1 ? g.name() : cam.name() + "/" + g.name(), g.labels(), g.minScore()));
        if (out.isEmpty()) throw new Main.UsageException(config + ": no enabled camera has groups; add groups, or drop --config and give --threshold");
        return out;
    }

    private EnergyMeter energy(VigilConfig cfg) {
        if (cfg == null && !PowerConfig.SOURCES.contains(power))
            throw new Main.UsageException("--power: " + power + " is not one of " + String.join(", ", PowerConfig.SOURCES));
        PowerConfig pc = cfg != null ? cfg.power() : new PowerConfig(power, PowerConfig.DEFAULT.idleWatts(), PowerConfig.DEFAULT.busyWatts(),
                PowerConfig.DEFAULT.interval());
        try {
            return EnergyMeter.open(pc).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage().replace("power.source", "--power").replace("use source: auto", "use --power auto"));
        }
    }

    /**
     * Eval decodes every image (bench decodes once, before timing) on a thread of its own: where the inference threads
     * would take every core, one is left to it unless --threads says otherwise. On the 2-core build machine, shared
     * detector: 1 inference thread plus decoding ran 81.9 images/s where 2 inference threads with decoding beside them
     * ran 60.0, and `vigil bench` at its default 2 threads 78.5.
     */
    private Analyzer.Options decodingCore(Analyzer.Options o, PrintWriter err) {
        int threads = o.engineOptions().threads();
        int cores = Runtime.getRuntime().availableProcessors();
        int t = inferenceThreads(threads, cores, spec.commandLine().getParseResult().hasMatchedOption("--threads"));
        if (t == threads) return o;
        var eo = o.engineOptions();
        err.println("eval: " + t + " inference thread(s), one of the " + cores + " cores left for decoding the images (--threads N sets it)");
        err.flush();
        return new Analyzer.Options(o.engine(), new dev.vigil.inference.EngineOptions(t, eo.delegate(), eo.edgetpuDevice(), eo.edgetpuLibrary(),
                eo.xnnpackFlags()), o.resize(), o.top(), o.maxDetections());
    }

    /** Eval's inference threads: {@code threads}, less what leaves one of {@code cores} to decoding, unless given. */
    static int inferenceThreads(int threads, int cores, boolean given) {
        return given || cores < 2 || threads < cores ? threads : cores - 1;
    }

    /** The same number of frames through {@link Bench#runOverlapped}, the loop `vigil bench` measures, at eval's threads. */
    private String vsBench(ModelSpec s, Analyzer.Options options, Dataset ds, Evaluation.ModelEval e, ObjectNode out) {
        List<Mat> frames = new ArrayList<>();
        try (Size size = new Size(Bench.FRAME_WIDTH, Bench.FRAME_HEIGHT)) {
            for (Path f : ds.files()) {
                try (Mat img = imread(f.toString(), IMREAD_COLOR)) {
                    if (img == null || img.empty()) continue;
                    Mat frame = new Mat();
                    resize(img, frame, size, 0, 0, INTER_AREA);
                    frames.add(frame);
                }
            }
        }
        BenchResult b;
        try (Analyzer a = Analyzer.open(s.withKind(Evaluation.kindFor(ds)), options)) {
            b = Bench.runOverlapped(a, frames, Math.max(e.run().frames(), 50), Math.max(warmup, 1), options.engineOptions().threads());
        } finally {
            frames.forEach(Mat::close);
        }
        double ratio = e.run().fps() / b.fps();
        ObjectNode vs = out.putObject("vs_bench");
        vs.put("eval_fps", ImageCommand.round(e.run().fps(), 2));
        vs.put("bench_fps", ImageCommand.round(b.fps(), 2));
        vs.put("ratio", ImageCommand.round(ratio, 3));
        vs.put("frames", e.run().frames());
        vs.put("threads", options.engineOptions().threads());
        vs.put("ratio_first_pass", ImageCommand.round(e.run().firstPassFps() / b.fps(), 3));
        double later = e.run().laterPassesFps() / b.fps();
        if (Double.isNaN(later)) vs.putNull("ratio_later_passes");
        else vs.put("ratio_later_passes", ImageCommand.round(later, 3));
        return String.format(Locale.ROOT, "eval %.1f images/s vs bench %.1f frames/s on the same images, %d inference thread%s: %.0f%% (first pass %.0f%%%s)",
                e.run().fps(), b.fps(), options.engineOptions().threads(), options.engineOptions().threads() == 1 ? "" : "s", ratio * 100, e.run().firstPassFps() / b.fps() * 100,
                Double.isNaN(later) ? "" : String.format(Locale.ROOT, ", later passes %.0f%%", later * 100));
    }
}
