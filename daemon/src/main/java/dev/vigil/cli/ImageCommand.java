package dev.vigil.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.capture.FrameSource;
import dev.vigil.capture.ImageHeader;
import dev.vigil.pipeline.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shared by classify and detect: load the model once, then one result (or error) per image. */
abstract class ImageCommand implements Callable<Integer> {

    /** Nodes of the output lines; no ObjectMapper is built for them until a line is printed (a --help needs none). */
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "One JSON object per image on stdout.")
    boolean json;

    @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "" + dev.vigil.capture.ImageHeader.DEFAULT_MAX_PIXELS,
            description = "Skip (with an error line) an image whose header claims more pixels than this (default: ${DEFAULT-VALUE}, fits 4K).")
    long maxImagePixels;

    @Parameters(paramLabel = "IMAGE", arity = "0..*",
            description = "Image files or folders of images (default: every photo of the test-images catalog).")
    List<Path> images;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract Analyzer.Kind kind();

    abstract int top();

    abstract float minScore();

    /** Adds the command's results for the analysed image. */
    abstract void result(Analyzer a, ObjectNode line);

    /** Human-readable form of the results. */
    abstract String text(Analyzer a);

    @Override
    public Integer call() {
        Main.logLevel(model.verbose);
        List<Path> files = images == null || images.isEmpty() ? catalogImages() : expand(images);
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        if (maxImagePixels < 1) throw new Main.UsageException("--max-image-pixels " + maxImagePixels + ": must be at least 1");
        Analyzer.Options options = model.analyzerOptions(kind(), top()); // usage errors before any model is fetched
        float minScore = minScore();
        Analyzer opened;
        try {
            opened = Analyzer.open(model.spec(kind()), options);
        } catch (Analyzer.WrongKindException e) {
            throw new Main.UsageException(e.getMessage() + "; use `vigil " + (e.actual() == Analyzer.Kind.CLASSIFIER ? "classify" : "detect")
                    + "` for it");
        }
        try (Analyzer a = opened) {
            if (kind() == Analyzer.Kind.DETECTOR) a.spec().belowScoreFloor("--min-score", minScore)
                    .ifPresent(w -> spec.commandLine().getErr().println("vigil: warning: " + w));
            for (Path f : files) {
                ObjectNode line = JSON.objectNode();
                line.put("image", f.toString());
                String error = Files.isRegularFile(f) ? null : "no such file";
                Mat bgr = null;
                if (error == null) {
                    // The header first: OpenCV allocates whatever it claims, and throws past its own limit.
                    try {
                        ImageHeader.check(f, maxImagePixels);
                        bgr = imread(f.toString(), IMREAD_COLOR);
                    } catch (FrameSource.CorruptFrameException e) {
                        error = e.getMessage().startsWith(f + ": ") ? e.getMessage().substring(f.toString().length() + 2) : e.getMessage();
                    } catch (RuntimeException e) {
                        error = "cannot decode image: " + e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
                    }
                }
                if (error == null && (bgr == null || bgr.empty())) error = "cannot decode image (not an image file, or corrupt)";
                try {
                    if (error == null) {
                        a.analyze(bgr, minScore);
                        result(a, line);
                        line.put("inference_ms", round(a.invokeNanos() / 1e6, 2));
                    }
                } finally {
                    if (bgr != null) bgr.close();
                }
                if (error != null) {
                    failed++;
                    line.put("error", error);
                    if (!json) spec.commandLine().getErr().println("vigil: " + f + ": " + error);
                }
                if (json) out.println(line);
                else if (error == null) out.println(f + ": " + text(a) + String.format(Locale.ROOT, "  (%.1f ms)", a.invokeNanos() / 1e6));
                out.flush();
            }
        }
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }

    /** The test-images catalog, resolved through the store and mirror like models. */
    List<Path> catalogImages() {
        dev.vigil.model.ModelStore store = model.store();
        return store.images().names().stream().map(store::image).toList();
    }

    static List<Path> expand(List<Path> args) {
        List<Path> files = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(Files::isRegularFile).filter(ImageCommand::looksLikeImage).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new Main.UsageException(p + ": cannot list (" + e.getMessage() + ")");
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    static boolean looksLikeImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp")
                || n.endsWith(".webp") || n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".ppm")
                || n.endsWith(".pgm") || n.endsWith(".pnm");
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
