package dev.vigil.cli;

import dev.vigil.inference.Delegate;
import dev.vigil.inference.EngineOptions;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.postprocess.Labels;
import dev.vigil.preprocess.ImagePreprocessor;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that runs a model. */
public final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "Model file or catalog name (default: the catalog's default detector, or mobilenet_v2_quant to classify).")
    String model;

    @Option(names = "--mirror", paramLabel = "DIR", description = "Folder tried for models before downloading (default: $VIGIL_MIRROR).")
    Path mirror;

    @Option(names = "--labels", paramLabel = "FILE", description = "Label file (default: the model's metadata or catalog entry).")
    Path labels;

    @Option(names = "--labels-locale", paramLabel = "LOCALE", defaultValue = "en",
            description = "Of a model whose metadata packs label files per locale (IDs, display names), the names of this locale (default: ${DEFAULT-VALUE}).")
    String labelsLocale;

    @Option(names = {"-t", "--threads"}, defaultValue = "2", description = "CPU threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--delegate", defaultValue = "cpu", description = "cpu, xnnpack, xnnpack-ffm, none, edgetpu, auto (default: ${DEFAULT-VALUE}).")
    String delegate;

    @Option(names = "--edgetpu-device", description = "Edge TPU: usb, pci, usb:N, pci:N or a device path.")
    String edgetpuDevice;

    @Option(names = "--engine", defaultValue = "tflite", description = "tflite, or djl where installed (DJL 0.27, TFLite 2.6.2: x86_64 Linux only, the amd64 package; slower; for parity checks) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--letterbox", description = "Keep the aspect ratio (pad) instead of stretching the image.")
    boolean letterbox;

    @Option(names = "--allow-modified-model", description = "Load a model file named like a catalog model whose sha256 differs"
            + " (warned; by default refused: a damaged model reports wrong classes).")
    boolean allowModifiedModel;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens (to stderr).")
    boolean verbose;

    static final String DEFAULT_CLASSIFIER = "mobilenet_v2_quant";

    ModelStore store() {
        ModelStore s = ModelStore.fromEnvironment().allowingModifiedModels(allowModifiedModel);
        return mirror == null ? s : s.withMirror(mirror, "--mirror");
    }

    Analyzer.Options analyzerOptions(Analyzer.Kind kind, int top) {
        if (threads < 1) throw new Main.UsageException("--threads: " + threads + " must be at least 1");
        Delegate d;
        try {
            d = Delegate.parse(delegate);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--" + e.getMessage());
        }
        EngineOptions eo = new EngineOptions(threads, d, edgetpuDevice, null, -1);
        return new Analyzer.Options(engine, eo, letterbox ? ImagePreprocessor.Resize.LETTERBOX : ImagePreprocessor.Resize.STRETCH,
                top, 100);
    }

    /** The model with its labels, normalization and decoding, from the options, the catalog and the file itself. */
    ModelSpec spec(Analyzer.Kind kind) {
        return spec(kind, model, true);
    }

    /**
     * Another model through the same store and options ({@code eval --compare}); {@code --labels} applies only when
     * {@code ownLabels}, since a label file fits one model.
     */
    ModelSpec spec(Analyzer.Kind kind, String modelName, boolean ownLabels) {
        ModelStore store = store();
        String name = modelName != null ? modelName
                : kind == Analyzer.Kind.CLASSIFIER ? DEFAULT_CLASSIFIER : store.defaultModel().name();
        ModelSpec s = ModelSpec.of(store.resolve(name), labelsLocale);
        if (labels != null && ownLabels) {
            try {
                s = s.withLabels(Labels.read(labels));
            } catch (RuntimeException e) {
                throw new Main.UsageException("--labels " + Main.oneLine(e.getMessage()));
            }
        }
        return kind == null ? s : s.withKind(kind);
    }
}
