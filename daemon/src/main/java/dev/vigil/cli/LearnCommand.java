package dev.vigil.cli;

import dev.vigil.inference.EngineOptions;
import dev.vigil.learn.Head;
import dev.vigil.learn.Learner;
import dev.vigil.learn.Roi;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Sha256;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil learn}: a classifier learned on the device from labelled images, usable by name as any model. */
@Command(name = "learn", description = {"Learn a classifier on this device from labelled images: an embedding extractor with a head fit by",
        "weight imprinting and by softmax regression; the better on the validation split is kept as model NAME",
        "(vigil classify --model NAME, a camera's model: NAME, vigil models deploy NAME). Learning again under the same name",
        "keeps what was learned and adds the dataset's new images and classes."})
final class LearnCommand implements Callable<Integer> {

    @Mixin HelpOption help;
    @Spec CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "A sample store (sampling.dir: samples with a whole-frame label) or a folder with one folder of images per class.")
    Path dataset;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The learned model's name.")
    String name;

    @Option(names = "--base", paramLabel = "EXTRACTOR", defaultValue = Learner.DEFAULT_BASE, description = "The embedding extractor (default: ${DEFAULT-VALUE}).")
    String base;

    @Option(names = "--roi", paramLabel = "X,Y,W,H", description = "Learn from and classify only this region of the frame, as fractions of its width and height.")
    String roi;

    @Option(names = "--val", paramLabel = "SHARE", defaultValue = "0.2", description = "Share of the examples in the validation split, by a hash of each id as exports split (default: ${DEFAULT-VALUE}).")
    double val;

    @Option(names = "--crops", description = {"Learn from the dataset's labelled boxes (a sample store's, or a COCO dataset's), each cropped as",
            "a camera's second_stage crops it: the learned model then names what a detector boxed."})
    boolean crops;

    @Option(names = "--margin", paramLabel = "SHARE", defaultValue = "0.1",
            description = "With --crops: each box enlarged by this share of its size on every side; give the camera's second_stage.margin (default: ${DEFAULT-VALUE}).")
    float margin;

    @Option(names = "--labels", paramLabel = "LABEL", split = ",", description = "With --crops: only boxes with these labels (default: every box).")
    List<String> labels;

    @Option(names = "--fresh", description = "Forget the examples learned before under this name.")
    boolean fresh;

    @Option(names = "--mirror", paramLabel = "DIR", description = "Folder tried for the extractor before downloading (default: $VIGIL_MIRROR).")
    Path mirror;

    @Option(names = {"-t", "--threads"}, defaultValue = "2", description = "CPU threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens (to stderr).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Main.logLevel(verbose);
        if (threads < 1) throw new Main.UsageException("--threads: " + threads + " must be at least 1");
        if (!(val >= 0 && val < 1)) throw new Main.UsageException("--val: " + val + " must be at least 0 and below 1");
        Roi r;
        try {
            r = roi == null ? null : Roi.parse(roi);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--" + e.getMessage());
        }
        if (!crops && (labels != null || spec.commandLine().getParseResult().hasMatchedOption("--margin")))
            throw new Main.UsageException("--margin and --labels apply to box crops; add --crops");
        Learner.Crops c;
        try {
            c = crops ? new Learner.Crops(margin, labels == null ? java.util.Set.of() : new java.util.LinkedHashSet<>(labels)) : null;
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        ModelStore store = ModelStore.fromEnvironment();
        if (mirror != null) store = store.withMirror(mirror, "--mirror");
        Learner.Result res = Learner.learn(store, new Learner.Options(name, dataset, base, r, "tflite", EngineOptions.cpu(threads), val, fresh, c));
        report(res, spec.commandLine().getOut());
        return 0;
    }

    static void report(Learner.Result r, PrintWriter out) {
        var m = r.model();
        out.printf(Locale.ROOT, "learned %s from %s: %d examples (%d embedded now, %d from before), %d train, %d validation%s%n", m.name(),
                m.datasetSource(), r.examples(), r.embedded(), r.examples() - r.embedded(), r.train(), r.validation(),
                r.skipped() > 0 ? ", " + r.skipped() + " skipped (unreadable, too small, or no label of the kind learned)" : "");
        out.printf(Locale.ROOT, "time: embeddings %.2f s (%.1f ms each), fit imprinting %.3f s, softmax %.3f s%n", r.embedNanos() / 1e9,
                r.embedded() == 0 ? 0.0 : r.embedNanos() / 1e6 / r.embedded(), r.fitNanos().get(Head.Kind.IMPRINTING) / 1e9,
                r.fitNanos().get(Head.Kind.SOFTMAX) / 1e9);
        out.printf(Locale.ROOT, "validation accuracy: imprinting %s, softmax %s%n", pct(r.accuracy().get(Head.Kind.IMPRINTING)),
                pct(r.accuracy().get(Head.Kind.SOFTMAX)));
        out.println(r.why() + "; refit on all " + r.examples() + " examples");
        List<String> labels = m.head().labels();
        double[] recall = r.recall();
        StringBuilder sb = new StringBuilder("per-class recall:");
        for (int c = 0; c < labels.size(); c++) sb.append(c == 0 ? " " : ", ").append(labels.get(c)).append(' ').append(pct(recall[c]));
        out.println(sb);
        if (r.validation() > 0) {
            int w = Math.max(5, labels.stream().mapToInt(String::length).max().orElse(5));
            out.println("confusion on the validation split (rows: true class, columns: predicted):");
            StringBuilder h = new StringBuilder(" ".repeat(w));
            for (String l : labels) h.append("  ").append(String.format(Locale.ROOT, "%" + w + "s", l));
            out.println(h);
            for (int t = 0; t < labels.size(); t++) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", labels.get(t)));
                for (int p = 0; p < labels.size(); p++) row.append("  ").append(String.format(Locale.ROOT, "%" + w + "d", r.confusion()[t][p]));
                out.println(row);
            }
        }
        out.printf(Locale.ROOT, "model %s: %s (sha256 %s), dataset %s%n", m.name(), r.head(), Sha256.of(r.head()), m.datasetId());
        out.println("use it: vigil classify --model " + m.name() + " photo.jpg");
        out.flush();
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
