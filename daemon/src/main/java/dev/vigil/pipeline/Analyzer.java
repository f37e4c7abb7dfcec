package dev.vigil.pipeline;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TfliteEngine;
import dev.vigil.postprocess.DetectionDecoder;
import dev.vigil.postprocess.Detections;
import dev.vigil.postprocess.PostprocessOpDecoder;
import dev.vigil.postprocess.TopK;
import dev.vigil.preprocess.ImagePreprocessor;
import dev.vigil.preprocess.Normalization;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One model's frame path: preprocess -> inference -> postprocess, wired once and reused for every frame.
 * It owns the engine and the preprocessor and closes them. One thread at a time.
 */
public final class Analyzer implements AutoCloseable {

    public enum Kind { CLASSIFIER, DETECTOR }

    /**
     * @param engine        "tflite" or "djl"
     * @param engineOptions threads and delegate
     * @param resize        stretch (the reference) or letterbox
     * @param normalization null for metadata/default
     * @param kind          null to infer from the outputs
     * @param decoder       builds the detection decoder for raw-output SSD models (null: only post-processed detectors)
     * @param top           classes kept for classifiers
     */
    public record Options(String engine, EngineOptions engineOptions, ImagePreprocessor.Resize resize,
                          Normalization normalization, Kind kind,
                          Function<List<TensorSpec>, DetectionDecoder> decoder, int top, int maxDetections) {

        public static Options defaults(int threads) {
            return new Options("tflite", EngineOptions.cpu(threads), ImagePreprocessor.Resize.STRETCH, null, null, null, 5, 100);
        }
    }

    private final InferenceEngine engine;
    private final ImagePreprocessor preprocessor;
    private final Kind kind;
    private final DetectionDecoder decoder;
    private final TopK topK;
    private final Detections detections;
    private final List<String> labels;
    private final Path model;
    private long preprocessNanos, invokeNanos, postprocessNanos;

    private Analyzer(Path model, InferenceEngine engine, Options o, List<String> labels) {
        this.model = model;
        this.engine = engine;
        this.labels = labels == null ? List.of() : List.copyOf(labels);
        List<TensorSpec> outs = engine.outputs();
        Kind k = o.kind();
        if (k == null) k = outs.size() == 1 ? Kind.CLASSIFIER : Kind.DETECTOR;
        this.kind = k;
        if (k == Kind.DETECTOR) {
            if (PostprocessOpDecoder.matches(outs)) decoder = new PostprocessOpDecoder(outs);
            else if (o.decoder() != null) decoder = o.decoder().apply(outs);
            else throw new dev.vigil.inference.ModelLoadException("model " + model.getFileName() + " has raw detector outputs "
                    + outs + " and no decoding spec; add one to its catalog entry or a .decoding.yaml file next to it");
            topK = null;
            detections = new Detections(o.maxDetections());
        } else {
            decoder = null;
            detections = null;
            topK = new TopK(o.top());
        }
        TensorSpec in = engine.inputs().get(0);
        preprocessor = new ImagePreprocessor(in, engine.input(0), o.normalization(), o.resize());
    }

    public static Analyzer open(Path model, Options o, List<String> labels) {
        InferenceEngine engine = switch (o.engine()) {
            case "tflite" -> TfliteEngine.open(model, o.engineOptions());
            default -> throw new IllegalArgumentException("engine: \"" + o.engine() + "\" is not tflite or djl");
        };
        try {
            return new Analyzer(model, engine, o, labels);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Runs the whole path on a BGR frame; results in {@link #topK()} or {@link #detections()}. */
    public void analyze(Mat bgr, float minScore) {
        long t0 = System.nanoTime();
        preprocessor.process(bgr);
        long t1 = System.nanoTime();
        engine.invoke();
        long t2 = System.nanoTime();
        if (kind == Kind.DETECTOR) {
            decoder.decode(engine, detections, minScore);
            if (preprocessor.letterboxed())
                detections.transformBoxes(preprocessor.scaleX(), preprocessor.offsetX(), preprocessor.scaleY(), preprocessor.offsetY());
        } else {
            topK.decode(engine, 0, minScore);
        }
        long t3 = System.nanoTime();
        preprocessNanos = t1 - t0;
        invokeNanos = t2 - t1;
        postprocessNanos = t3 - t2;
    }

    public String label(int index) {
        return index >= 0 && index < labels.size() ? labels.get(index) : "class " + index;
    }

    public Kind kind() { return kind; }

    public TopK topK() { return topK; }

    public Detections detections() { return detections; }

    public InferenceEngine engine() { return engine; }

    public Path model() { return model; }

    public long preprocessNanos() { return preprocessNanos; }

    public long invokeNanos() { return invokeNanos; }

    public long postprocessNanos() { return postprocessNanos; }

    @Override
    public void close() {
        preprocessor.close();
        engine.close();
    }
}
