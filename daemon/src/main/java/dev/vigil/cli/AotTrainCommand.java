package dev.vigil.cli;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.vigil.model.Artifact;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * The training run of the JVM's AOT cache (JEP 483/514): the launcher runs it once per java and jar set, in the
 * background with {@code -XX:AOTCacheOutput}, and later starts map the classes it loaded and linked. It walks the
 * start-up paths users wait for ({@code detect}, {@code classify}, {@code run} to its first frames, {@code gpio reset})
 * offline: models only from the store or the mirror (never downloaded), synthetic images, a mock GPIO, an HTTP port of
 * the kernel's choosing, files in a temporary folder. Nothing here may fail the launcher: a step that fails is logged.
 */
@Command(name = "aot-train", hidden = true, description = "Train the JVM's start-up cache (run by the launcher).")
final class AotTrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(AotTrainCommand.class);

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("vigil-aot-train");
        try {
            train(dir);
        } finally {
            deleteTree(dir);
        }
        return Main.EXIT_OK;
    }

    private static void train(Path dir) throws IOException {
        List<Path> images = syntheticImages(dir.resolve("images"));
        ModelStore store = ModelStore.fromEnvironment();
        Optional<Path> detector = offline(store, store.defaultModel());
        Optional<Path> classifier = store.models().find(ModelOptions.DEFAULT_CLASSIFIER).flatMap(e -> offline(store, e));
        String image = images.getFirst().toString();
        if (detector.isEmpty()) {
            log.warn("aot-train: the default detector is neither in the store nor in a mirror; training without inference");
            step("detect", "detect", "--json", "--model", dir.resolve("absent.tflite").toString(), image);
        } else {
            step("detect", "detect", "--json", "--model", detector.get().toString(), image);
        }
        classifier.ifPresent(m -> step("classify", "classify", "--json", "--model", m.toString(), image));
        Path config = dir.resolve("train.yaml");
        Files.writeString(config, config(detector.orElse(dir.resolve("absent.tflite")), dir.resolve("images"),
                dir.resolve("events")), StandardCharsets.UTF_8);
        step("check-config", "check-config", config.toString());
        step("gpio reset", "gpio", "reset", "--config", config.toString());
        if (detector.isPresent()) {
            step("run", "run", "--once", "--config", config.toString());
            defaultSignals(); // run's handlers would keep a stopping service's SIGTERM from ending this process
        }
    }

    @SuppressWarnings("removal")
    private static void defaultSignals() {
        for (String s : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s), sun.misc.SignalHandler.SIG_DFL);
            } catch (IllegalArgumentException e) {
                log.debug("SIG{}: {}", s, e.getMessage());
            }
        }
    }

    /** The artifact's local copy (store or mirror, size checked), never a download: training runs offline. */
    private static Optional<Path> offline(ModelStore store, Artifact a) {
        ModelStore.Location where = store.locate(a);
        if (where.status() == ModelStore.Status.MISSING) return Optional.empty();
        boolean labelsMissing = a instanceof ModelEntry m && m.labelFile().isPresent() && store.locate(m.labels()).status() == ModelStore.Status.MISSING;
        if (labelsMissing) return Optional.empty();
        return where.path();
    }

    private static void step(String what, String... args) {
        try {
            int code = Main.execute(args);
            if (code != Main.EXIT_OK) log.info("aot-train: {} exited {} (training goes on)", what, code);
        } catch (RuntimeException e) {
            log.info("aot-train: {} failed (training goes on): {}", what, e.toString());
        }
    }

    /** A config in the shape of the demo: one folder camera, groups, a mock GPIO output and heartbeat, HTTP. */
    static String config(Path model, Path images, Path events) {
        return String.join("\n",
                "model: " + quoted(model),
                "threads: 2",
                "http: { listen: \"127.0.0.1:0\" }",
                "events: { dir: " + quoted(events) + " }",
                "cameras:",
                "  train:",
                "    source: { folder: " + quoted(images) + ", fps: 20 }",
                "    groups:",
                "      person: { labels: [person], min_score: 0.5 }",
                "gpio:",
                "  mock: true",
                "  outputs:",
                "    led: { pin: 23, kind: led }",
                "  heartbeat: { pin: 22, period_ms: 1000 }",
                "  actions:",
                "    - { group: person, output: led, pulse_ms: 100 }",
                "");
    }

    private static String quoted(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Two camera-sized images (JPEG and PNG) with a few shapes: decoded, resized and run like photos. */
    static List<Path> syntheticImages(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> files = List.of(folder.resolve("a.jpg"), folder.resolve("b.png"));
        for (int i = 0; i < files.size(); i++) {
            try (Mat m = new Mat(480, 640, opencv_core.CV_8UC3, new Scalar(90 + 40 * i, 120, 150, 0))) {
                rectangle(m, new Point(200, 80), new Point(380, 460), new Scalar(40, 60, 200, 0), -1, 8, 0);
                circle(m, new Point(290, 60), 45, new Scalar(150, 170, 220, 0), -1, 8, 0);
                if (!imwrite(files.get(i).toString(), m)) throw new IOException("cannot write " + files.get(i));
            }
        }
        return files;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            log.info("aot-train: cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
