package dev.vigil.learn;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.dataset.Split;
import dev.vigil.inference.EngineOptions;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ResolvedModel;
import dev.vigil.model.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import dev.vigil.pipeline.SecondStage;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * {@code vigil learn}: embeddings of a dataset's labelled images (new ones only; earlier ones come from the model's
 * {@code embeddings.bin}), both heads fit on the train split, the one with the better validation accuracy kept, refit
 * on every example, and written as a learned model of the store.
 */
public final class Learner {

    public static final String DEFAULT_BASE = "mobilenet_v1_embedding_extractor";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    /**
     * @param base     catalog name of the embedding extractor
     * @param roi      the region of the frame to learn from, or null for the whole frame
     * @param valShare share of the examples in the validation split (by a hash of each key, as exports split)
     * @param fresh    forget the examples learned before under this name
     */
    public record Options(String name, Path dataset, String base, Roi roi, String engine, EngineOptions engineOptions,
                          double valShare, boolean fresh, Crops crops) {

        public Options(String name, Path dataset, String base, Roi roi, String engine, EngineOptions engineOptions, double valShare, boolean fresh) {
            this(name, dataset, base, roi, engine, engineOptions, valShare, fresh, null);
        }
    }

    /**
     * Learning from the dataset's boxes instead of whole images (a classifier stage after a detector): each box enlarged
     * by {@code margin} and clamped to the image, cut as {@link SecondStage#crop} cuts it at inference; only boxes
     * labelled one of {@code labels} (all when empty).
     */
    public record Crops(float margin, Set<String> labels) {

        public Crops {
            if (!(margin >= 0 && margin <= 1)) throw new IllegalArgumentException("--margin " + margin + " must be between 0 and 1, as second_stage.margin");
            labels = Set.copyOf(labels);
        }

        boolean wants(String label) { return labels.isEmpty() || labels.contains(label); }
    }

    /**
     * What a run did.
     *
     * @param accuracy   validation accuracy of each head fit on the train split, by kind; NaN without validation examples
     * @param confusion  of the kept head on the validation split, [true][predicted], in {@code model.head().labels()} order
     * @param why        one sentence: which head was kept and why
     */
    public record Result(LearnedModel model, Path head, int examples, int embedded, int train, int validation, int skipped,
                         Map<Head.Kind, Double> accuracy, Map<Head.Kind, Long> fitNanos, long embedNanos, int[][] confusion,
                         String why) {

        public double[] recall() {
            double[] r = new double[confusion.length];
            for (int t = 0; t < r.length; t++) {
                int all = 0;
                for (int v : confusion[t]) all += v;
                r[t] = all == 0 ? Double.NaN : (double) confusion[t][t] / all;
            }
            return r;
        }
    }

    /**
     * Told where a run is: {@code phase} "embedding" ({@code done} of {@code total} images or crops), "fitting",
     * "writing". May throw to stop the run; nothing is written before "writing".
     */
    @FunctionalInterface
    public interface Progress {
        void at(String phase, int done, int total);

        Progress NONE = (phase, done, total) -> {};
    }

    private Learner() {}

    /** Refuses a name a learned model cannot have (one line naming the fix). */
    public static void checkName(ModelStore store, String name) {
        if (name == null || !NAME.matcher(name).matches())
            throw new IllegalArgumentException("--name " + name + ": use letters, digits, '_', '.' and '-' (not first)");
        if (store.models().find(name).isPresent())
            throw new IllegalArgumentException("--name " + name + " is a catalog model; give the learned model another name");
    }

    public static Result learn(ModelStore store, Options o) throws IOException { return learn(store, o, Progress.NONE); }

    public static Result learn(ModelStore store, Options o, Progress progress) throws IOException {
        checkName(store, o.name());
        ModelEntry base = store.models().find(o.base()).orElseThrow(() -> new IllegalArgumentException("--base " + o.base()
                + " is not in the catalog; use " + DEFAULT_BASE));
        if (base.kind() != ModelEntry.Kind.EMBEDDING)
            throw new IllegalArgumentException("--base " + o.base() + " is a " + base.kind().word() + ", not an embedding extractor; use " + DEFAULT_BASE);
        TrainingSet.Read read = TrainingSet.read(o.dataset(), o.crops());
        TreeSet<String> classes = new TreeSet<>();
        read.items().forEach(i -> classes.add(i.label()));
        ResolvedModel extractor = store.resolve(base);
        Path head = store.learnedHead(o.name());
        List<Example> stored = o.fresh() ? List.of() : Embeddings.read(LearnedModels.embeddings(head), base.sha256(), o.roi());

        Map<String, Example> byKey = new LinkedHashMap<>();
        for (Example e : stored) byKey.put(e.key(), e);
        long t0 = System.nanoTime();
        int embedded = 0, skipped = read.skipped();
        List<TrainingSet.Item> todo = read.items().stream().filter(i -> !byKey.containsKey(i.key())).toList();
        progress.at("embedding", 0, todo.size());
        if (!todo.isEmpty()) {
            try (Embedder embedder = new Embedder(extractor.model(), o.roi(), o.engine(), o.engineOptions()); Images images = new Images()) {
                int[] rect = new int[4];
                for (TrainingSet.Item i : todo) {
                    Mat m = images.get(i.image());
                    if (m == null) {
                        skipped++;
                        continue;
                    }
                    float[] embedding;
                    if (i.box() == null) {
                        embedding = embedder.embed(m);
                    } else {
                        float[] b = {(float) i.box()[0], (float) i.box()[1], (float) i.box()[2], (float) i.box()[3]};
                        if (!SecondStage.crop(b, o.crops().margin(), m.cols(), m.rows(), rect)) {
                            skipped++; // too small for the second stage to classify, so nothing to learn from either
                            continue;
                        }
                        try (Rect r = new Rect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1]); Mat c = new Mat(m, r)) {
                            embedding = embedder.embed(c);
                        }
                    }
                    boolean val = "val".equals(Split.of(splitKey(i), o.valShare()));
                    byKey.put(i.key(), new Example(i.key(), i.label(), val, embedding));
                    embedded++;
                    progress.at("embedding", embedded + skipped - read.skipped(), todo.size());
                }
            }
        }
        long embedNanos = System.nanoTime() - t0;
        for (TrainingSet.Item i : read.items()) byKey.computeIfPresent(i.key(), (k, e) -> e.withLabel(i.label())); // relabelled
        List<Example> all = List.copyOf(byKey.values());
        if (all.isEmpty() && o.crops() != null)
            throw new IllegalArgumentException("dataset " + o.dataset() + " has no labelled boxes" + (o.crops().labels().isEmpty() ? "" : " labelled "
                    + String.join(" or ", new TreeSet<>(o.crops().labels()))) + "; label some first (the review page, vigil dataset import)");
        if (all.isEmpty())
            throw new IllegalArgumentException("dataset " + o.dataset() + " has no labelled images" + (read.skipped() > 0 ? " (" + read.skipped()
                    + " samples with box labels only: learn from their crops with --crops)" : "") + "; label some first (the review page, vigil dataset import)");
        all.forEach(e -> classes.add(e.label()));
        if (classes.size() < 2)
            throw new IllegalArgumentException("dataset " + o.dataset() + " has one class (" + String.join("", classes)
                    + "); learning needs two or more: label examples of another class");
        List<String> labels = List.copyOf(classes);
        List<Example> train = all.stream().filter(e -> !e.validation()).toList();
        List<Example> val = all.stream().filter(Example::validation).toList();
        for (String c : labels) {
            if (train.stream().noneMatch(e -> e.label().equals(c)))
                throw new IllegalArgumentException("class " + c + " of dataset " + o.dataset() + " has no example in the train split"
                        + " (it has " + all.stream().filter(e -> e.label().equals(c)).count() + " in all); label more examples of it");
        }

        progress.at("fitting", 0, Head.Kind.values().length);
        Map<Head.Kind, Head> fitted = new LinkedHashMap<>();
        Map<Head.Kind, Long> fitNanos = new LinkedHashMap<>();
        Map<Head.Kind, Double> accuracy = new LinkedHashMap<>();
        for (Head.Kind k : Head.Kind.values()) {
            long s = System.nanoTime();
            Head h = fit(k, train, labels);
            fitNanos.put(k, System.nanoTime() - s);
            fitted.put(k, h);
            accuracy.put(k, accuracy(h, val));
        }
        Head.Kind kept;
        String why;
        double ai = accuracy.get(Head.Kind.IMPRINTING), as = accuracy.get(Head.Kind.SOFTMAX);
        if (val.isEmpty()) {
            kept = Head.Kind.IMPRINTING;
            why = "no example fell in the validation split, so the heads cannot be compared; kept imprinting, which has nothing to overfit";
        } else if (as > ai) {
            kept = Head.Kind.SOFTMAX;
            why = String.format(Locale.ROOT, "kept softmax: %.1f%% on the %d validation examples against imprinting's %.1f%%", 100 * as, val.size(), 100 * ai);
        } else {
            kept = Head.Kind.IMPRINTING;
            why = String.format(Locale.ROOT, "kept imprinting: %.1f%% on the %d validation examples against softmax's %.1f%%%s", 100 * ai, val.size(), 100 * as,
                    ai == as ? " (a tie goes to imprinting: nothing trained, nothing to overfit)" : "");
        }
        int[][] confusion = confusion(fitted.get(kept), val);
        Head finalHead = fit(kept, all, labels); // validated above; the model keeps every example

        Map<String, Double> validation = new LinkedHashMap<>();
        accuracy.forEach((k, v) -> { if (!v.isNaN()) validation.put(k.word(), v); });
        validation.put("examples", (double) val.size());
        LearnedModel model = new LearnedModel(o.name(), finalHead,
                new LearnedModel.Extractor(base.name(), base.file(), base.sha256(), extractor.model().toAbsolutePath().toString()),
                o.roi(), datasetId(all), read.source(), Instant.now(), validation);
        progress.at("writing", 0, 1);
        Files.createDirectories(head.getParent());
        Embeddings.write(LearnedModels.embeddings(head), base.sha256(), o.roi(), all);
        Files.write(LearnedModels.labels(head), (String.join("\n", labels) + "\n").getBytes(StandardCharsets.UTF_8));
        HeadFile.write(head, model); // last: the model exists once its head does
        return new Result(model, head, all.size(), embedded, train.size(), val.size(), skipped, accuracy, fitNanos, embedNanos, confusion, why);
    }

    /**
     * The crops of one image fall in one split: two boxes of the same frame (or a crop and its margin variant) are
     * near copies, and one in each split would flatter the validation accuracy.
     */
    private static String splitKey(TrainingSet.Item i) {
        int hash = i.key().indexOf('#');
        return i.box() == null || hash < 0 ? i.key() : i.key().substring(0, hash);
    }

    /** The last image read, kept while its boxes are embedded (a store lists a frame's boxes together). */
    private static final class Images implements AutoCloseable {
        private Path path;
        private Mat mat;

        Mat get(Path p) {
            if (p.equals(path)) return mat;
            close();
            path = p;
            Mat m = imread(p.toString(), IMREAD_COLOR);
            if (m == null || m.empty()) {
                if (m != null) m.close();
                mat = null;
            } else {
                mat = m;
            }
            return mat;
        }

        @Override
        public void close() {
            if (mat != null) mat.close();
            mat = null;
            path = null;
        }
    }

    static Head fit(Head.Kind k, List<Example> examples, List<String> labels) {
        return k == Head.Kind.IMPRINTING ? Imprinting.fit(examples, labels) : SoftmaxRegression.fit(examples, labels);
    }

    static double accuracy(Head h, List<Example> examples) {
        if (examples.isEmpty()) return Double.NaN;
        int right = 0;
        for (Example e : examples) if (h.labels().get(h.predict(e.embedding())).equals(e.label())) right++;
        return (double) right / examples.size();
    }

    static int[][] confusion(Head h, List<Example> examples) {
        int[][] m = new int[h.classes()][h.classes()];
        for (Example e : examples) m[h.labels().indexOf(e.label())][h.predict(e.embedding())]++;
        return m;
    }

    /** A hash of what was learned from: every example's key and label, in key order. */
    static String datasetId(List<Example> examples) {
        StringBuilder sb = new StringBuilder();
        examples.stream().sorted(java.util.Comparator.comparing(Example::key)).forEach(e -> sb.append(e.key()).append('\t').append(e.label()).append('\n'));
        return Sha256.hex(sb.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
