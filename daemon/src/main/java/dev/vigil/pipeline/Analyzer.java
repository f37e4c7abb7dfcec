package dev.vigil.pipeline;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.Engines;
import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.learn.LearnedModels;
import dev.vigil.postprocess.DetectionDecoder;
import dev.vigil.postprocess.Detections;
import dev.vigil.inference.ModelLoadException;
import dev.vigil.postprocess.Labels;
import dev.vigil.model.PostprocessOptions;
import dev.vigil.postprocess.PostprocessOpDecoder;
import dev.vigil.postprocess.RawSsdDecoder;
import dev.vigil.postprocess.TopK;
import dev.vigil.preprocess.ImagePreprocessor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One model's frame path: preprocess -> inference -> postprocess, wired once and reused for every frame.
 * It owns the engine and the preprocessor and closes them. One thread at a time.
 */
public final class Analyzer implements AutoCloseable {

    public enum Kind {
        CLASSIFIER, DETECTOR;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * A model asked to be what its outputs say it is not: a classifier (one output of class scores) run as a detector,
     * or a detector (boxes, classes, scores) run as a classifier. Its message says what the model is.
     */
    public static final class WrongKindException extends ModelLoadException {
        private final Kind actual;

        WrongKindException(String model, Kind actual, Kind asked, List<TensorSpec> outs) {
            super("model " + model + " is a " + actual.word() + ", not a " + asked.word() + " ("
                    + (outs.size() == 1 ? "one output, " + outs.getFirst() : outs.size() + " outputs") + ")");
            this.actual = actual;
        }

        /** What the model is. */
        public Kind actual() { return actual; }
    }

    /**
     * @param engine        "tflite" or "djl"
     * @param engineOptions threads and delegate
     * @param resize        stretch (the reference) or letterbox
     * @param top           classes kept for classifiers
     * @param maxDetections detections kept per frame
     */
    public record Options(String engine, EngineOptions engineOptions, ImagePreprocessor.Resize resize, int top, int maxDetections) {

        public static Options defaults(int threads) {
            return new Options("tflite", EngineOptions.cpu(threads), ImagePreprocessor.Resize.STRETCH, 5, 100);
        }

        public Options withDelegate(dev.vigil.inference.Delegate d) {
            return new Options(engine, engineOptions.withDelegate(d), resize, top, maxDetections);
        }
    }

    private final InferenceEngine engine;
    private final ImagePreprocessor preprocessor;
    private final Kind kind;
    private final DetectionDecoder decoder;
    private final TopK topK;
    private final Detections detections;
    private final Labels labels;
    private final ModelSpec spec;
    private final ImagePreprocessor.Resize resize;
    private long preprocessNanos, invokeNanos, postprocessNanos;
    private String stage = "preprocess";

    private Analyzer(ModelSpec spec, InferenceEngine engine, Options o) {
        this.spec = spec;
        this.engine = engine;
        this.resize = o.resize();
        this.labels = spec.labels().orElse(null);
        List<TensorSpec> outs = engine.outputs();
        Kind k = spec.kind().orElse(outs.size() == 1 ? Kind.CLASSIFIER : Kind.DETECTOR);
        this.kind = k;
        // One output of class scores without a decoding spec is a classifier whatever it is called; a raw SSD has two or more.
        if (k == Kind.DETECTOR && outs.size() == 1 && spec.decoding().isEmpty())
            throw new WrongKindException(spec.name(), Kind.CLASSIFIER, k, outs);
        if (k == Kind.CLASSIFIER && outs.size() != 1) throw new WrongKindException(spec.name(), Kind.DETECTOR, k, outs);
        if (k == Kind.DETECTOR) {
            if (PostprocessOpDecoder.matches(outs)) decoder = new PostprocessOpDecoder(outs);
            else if (spec.decoding().isPresent()) decoder = new RawSsdDecoder(spec.decoding().get(), outs);
            else throw new ModelLoadException("model " + spec.name() + " has raw detector outputs " + outs
                    + " and no decoding spec; add one to its catalog entry or a .decoding.yaml file next to it");
            topK = null;
            detections = new Detections(o.maxDetections());
        } else {
            decoder = null;
            detections = null;
            topK = new TopK(o.top());
        }
        TensorSpec in = engine.inputs().get(0);
        if (labels != null) checkLabelCount(spec, labels, k == Kind.CLASSIFIER ? outs.getFirst().dim(-1)
                : decoder instanceof RawSsdDecoder raw ? raw.classes()
                : PostprocessOptions.numClasses(spec.model()).orElse(-1));
        preprocessor = new ImagePreprocessor(in, engine.input(0), spec.normalization().orElse(null), o.resize());
        LearnedModels.roi(engine).ifPresent(r -> r.applyTo(preprocessor));
    }

    /**
     * A label file that does not fit the model's outputs names every class wrongly without a word (a 1001-line
     * ImageNet file on a 965-class model): refused. {@link Labels#size()} already leaves out the lines before the
     * offset, so a file with a background line the model does not count fits when read with offset 1. For a detector
     * whose graph decodes itself the class count is the post-processing op's {@code num_classes}.
     *
     * @param classes the model's class count, or -1 when the model does not tell
     */
    static void checkLabelCount(ModelSpec spec, Labels labels, int classes) {
        if (classes < 0 || labels.size() == classes) return;
        throw new ModelLoadException("labels " + labels.source().orElse("given") + " name " + labels.size() + " classes but model "
                + spec.name() + " has " + classes + "; give its own label file (one line per output class"
                + (labels.hasBackgroundLine() || classes > labels.size() ? ", the background line included" : "") + ")");
    }

    public static Analyzer open(ModelSpec spec, Options o) {
        InferenceEngine engine = LearnedModels.isHead(spec.model()) ? LearnedModels.open(spec.model(), o.engine(), o.engineOptions())
                : Engines.open(o.engine(), spec.model(), o.engineOptions());
        return open(spec, engine, o);
    }

    /**
     * The analyzer of a model on an engine already open (tests give a fake one); it owns the engine from here on and
     * closes it, also when the engine does not fit the spec. {@code o.engine()} and {@code o.engineOptions()} are not used.
     */
    public static Analyzer open(ModelSpec spec, InferenceEngine engine, Options o) {
        try {
            return new Analyzer(spec, engine, o);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** A model file with its own metadata and sidecar files. */
    public static Analyzer open(Path model, Options o) {
        return open(ModelSpec.forFile(model), o);
    }

    /** Runs the whole path on a BGR frame; results in {@link #topK()} or {@link #detections()}. */
    public void analyze(Mat bgr, float minScore) {
        long t0 = System.nanoTime();
        stage = "preprocess";
        preprocessor.process(bgr);
        long t1 = System.nanoTime();
        stage = "inference";
        engine.invoke();
        long t2 = System.nanoTime();
        stage = "postprocess";
        decode(preprocessor, minScore);
        long t3 = System.nanoTime();
        preprocessNanos = t1 - t0;
        invokeNanos = t2 - t1;
        postprocessNanos = t3 - t2;
    }

    /** A buffer for {@link #run(PreparedInput, float)}, preprocessed on any thread; close it before the analyzer. */
    public PreparedInput newInput() {
        return new PreparedInput(this, resize);
    }

    /**
     * Runs inference and postprocessing on an input prepared elsewhere: one copy into the tensor (a few
     * microseconds), invoke, decode. Results as for {@link #analyze}; preprocessNanos() is the input's own.
     */
    public void run(PreparedInput in, float minScore) {
        long t1 = System.nanoTime();
        ByteBuffer tensor = engine.input(0);
        tensor.put(0, in.data, 0, in.data.capacity());
        engine.invoke();
        long t2 = System.nanoTime();
        decode(in.preprocessor, minScore);
        preprocessNanos = in.preprocessNanos;
        invokeNanos = t2 - t1;
        postprocessNanos = System.nanoTime() - t2;
    }

    /**
     * Runs inference and postprocessing on a tensor already in this model's input format: a frame that another analyzer
     * with the same input preprocessed (a hot swap tests the new model on the live model's recent inputs). Results as
     * for {@link #analyze}.
     */
    public void runTensor(byte[] tensor, float minScore) {
        ByteBuffer in = engine.input(0);
        if (tensor.length != in.capacity())
            throw new IllegalArgumentException("a tensor of " + tensor.length + " bytes for model " + spec.name() + ", whose input takes " + in.capacity());
        long t1 = System.nanoTime();
        in.put(0, tensor);
        invokeAndDecode(t1, minScore);
    }

    /** As {@link #runTensor(byte[], float)}, from another engine's input tensor (a shadow model on the live model's frame). */
    public void runTensor(ByteBuffer tensor, float minScore) {
        ByteBuffer in = engine.input(0);
        if (tensor.capacity() != in.capacity())
            throw new IllegalArgumentException("a tensor of " + tensor.capacity() + " bytes for model " + spec.name() + ", whose input takes " + in.capacity());
        long t1 = System.nanoTime();
        in.put(0, tensor, 0, tensor.capacity());
        invokeAndDecode(t1, minScore);
    }

    private void invokeAndDecode(long t1, float minScore) {
        stage = "inference";
        engine.invoke();
        long t2 = System.nanoTime();
        stage = "postprocess";
        decode(preprocessor, minScore);
        preprocessNanos = 0;
        invokeNanos = t2 - t1;
        postprocessNanos = System.nanoTime() - t2;
    }

    private void decode(ImagePreprocessor p, float minScore) {
        if (kind == Kind.DETECTOR) {
            decoder.decode(engine, detections, minScore);
            if (p.letterboxed()) detections.transformBoxes(p.scaleX(), p.offsetX(), p.scaleY(), p.offsetY());
        } else {
            topK.decode(engine, 0, minScore);
        }
    }

    public String label(int index) {
        return labels != null ? labels.label(index) : "class " + index;
    }

    public Labels labels() { return labels; }

    /** How frames are fitted to the input: stretched (the reference) or letterboxed. */
    public ImagePreprocessor.Resize resize() { return resize; }

    public ModelSpec spec() { return spec; }

    public Kind kind() { return kind; }

    public TopK topK() { return topK; }

    public Detections detections() { return detections; }

    public InferenceEngine engine() { return engine; }

    public Path model() { return spec.model(); }

    /** The stage the last {@link #analyze} was in when it ended: after a failure, the one that failed. */
    public String stage() { return stage; }

    public long preprocessNanos() { return preprocessNanos; }

    public long invokeNanos() { return invokeNanos; }

    public long postprocessNanos() { return postprocessNanos; }

    @Override
    public void close() {
        preprocessor.close();
        engine.close();
    }
}
