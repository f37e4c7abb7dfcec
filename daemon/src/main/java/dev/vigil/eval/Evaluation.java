package dev.vigil.eval;

import dev.vigil.model.ModelParameters;
import dev.vigil.model.Sha256;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** One model evaluated on one dataset: accuracy, speed, size and energy, as {@code vigil eval} reports them. */
public final class Evaluation {

    /**
     * @param model        the model's name (catalog name or file name)
     * @param parameters   from the flatbuffer, -1 where it cannot be counted
     * @param sha256       the file's hash prefix (12 hex digits), the model's identity in events and metrics
     * @param classification results on an image-folder dataset, else null
     * @param detection    results on a box dataset, else null
     */
    public record ModelEval(String model, Path file, long sizeBytes, long parameters, String sha256, String delegate, int threads,
                            EvalRun.Result run, ClassificationMetrics classification, DetectionMetrics detection) {}

    /**
     * How to run: {@code minScore} the lowest detection score kept (low, for the whole PR curve); {@code threshold}
     * the operating threshold when no groups are given; {@code passes} and {@code warmup} as {@link EvalRun#run}.
     */
    public record Settings(float minScore, double threshold, int passes, int warmup, List<DetectionMetrics.Group> groups) {}

    private Evaluation() {}

    /** The kind of model a dataset evaluates. */
    public static Analyzer.Kind kindFor(Dataset ds) {
        return ds instanceof Dataset.Classification ? Analyzer.Kind.CLASSIFIER : Analyzer.Kind.DETECTOR;
    }

    /**
     * @throws Analyzer.WrongKindException when the model is not the kind the dataset evaluates
     * @throws IllegalArgumentException    (one line) when the model has no labels to match the dataset's names to
     */
    public static ModelEval run(ModelSpec spec, Analyzer.Options options, Dataset ds, Settings s, EnergyMeter power,
                                Consumer<Integer> progress) throws IOException {
        return run(spec, options, ds, s, power, progress, null);
    }

    /** @param cache images scaled to the input, shared by the models of one run (and runs, on disk); null for none */
    public static ModelEval run(ModelSpec spec, Analyzer.Options options, Dataset ds, Settings s, EnergyMeter power,
                                Consumer<Integer> progress, FrameCache cache) throws IOException {
        Analyzer.Kind kind = kindFor(ds);
        try (Analyzer a = Analyzer.open(spec.withKind(kind), options)) {
            if (a.labels() == null)
                throw new IllegalArgumentException("model " + spec.name() + " has no labels to match the dataset's class names to; give --labels FILE");
            int labelCount = a.labels().size();
            // A classifier's top 5 keep any score: a right label at 0.004 is still a top-5 hit.
            float minScore = kind == Analyzer.Kind.CLASSIFIER ? 0f : s.minScore();
            EvalRun.Result r = EvalRun.run(a, ds.files(), minScore, s.passes(), s.warmup(), power, progress, cache);
            ClassificationMetrics cm = null;
            DetectionMetrics dm = null;
            if (ds instanceof Dataset.Classification c) cm = ClassificationMetrics.compute(c, r.outputs(), a::label, labelCount);
            else dm = DetectionMetrics.compute((Dataset.Detection) ds, r.outputs(), a::label, labelCount, s.groups(), s.threshold());
            Path file = spec.model();
            return new ModelEval(spec.name(), file, Files.size(file), ModelParameters.count(file).orElse(-1),
                    Sha256.of(file).substring(0, 12), a.engine().delegate(), options.engineOptions().threads(), r, cm, dm);
        }
    }
}
