package dev.vigil.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.vigil.daemon.Wiring;
import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * An engine double, for tests whose subject is not the model. Two uses:
 * <ul>
 *   <li>tensors in plain direct buffers ({@link #FakeEngine(List, List)}): a decoder test writes the outputs itself;</li>
 *   <li>a model that "sees" what the test says ({@link #detector}, {@link #classifier}): a 32 x 32 RGB input (so
 *       preprocessing is cheap) whose mean colour a rule turns into labels and scores, written as TFLite's SSD
 *       postprocess outputs (boxes, classes, scores, count) or as a classifier's one float output.</li>
 * </ul>
 * The labels are the fake's own; {@link #analyzers()} hands them to the analyzer through its {@code ModelSpec}, and
 * {@link #modelFile(Path)} gives the config a model file to name (the wiring hashes it for the model id).
 */
public final class FakeEngine implements InferenceEngine {

    /** What the fake reports for a frame: one of its labels, with a score (a detector's box is the frame's middle). */
    public record Seen(String label, float score) {}

    /** A colour, 0-255 per channel: what a frame is filled with and what the fake measures (the mean over its input). */
    public record Rgb(int r, int g, int b) {

        /** A BGR frame of this colour, as a camera hands it over. The caller closes it. */
        public Mat frame(int width, int height) {
            try (Scalar s = new Scalar(b, g, r, 0)) {
                return new Mat(height, width, CV_8UC3, s);
            }
        }

        /** Within 8 per channel: resizing and colour conversion may move a solid colour by a step or two. */
        public boolean near(Rgb o) {
            return Math.abs(r - o.r) <= 8 && Math.abs(g - o.g) <= 8 && Math.abs(b - o.b) <= 8;
        }
    }

    /** The rule for frames filled with one colour: a colour of the table gives its entry, any other colour nothing. */
    public static Function<Rgb, List<Seen>> byColour(Map<Rgb, Seen> table) {
        Map<Rgb, Seen> t = Map.copyOf(table);
        return c -> t.entrySet().stream().filter(e -> e.getKey().near(c)).map(Map.Entry::getValue).toList();
    }

    /** The rule that sees the same whatever the frame. */
    public static Function<Rgb, List<Seen>> always(Seen... seen) {
        List<Seen> l = List.of(seen);
        return c -> l;
    }

    private static final TensorSpec IMAGE = new TensorSpec("image", TensorType.UINT8, new int[] {1, 32, 32, 3}, 0f, 0);
    private static final int SLOTS = 10; // detections a detector can report per frame, as the 4 output tensors hold
    private static final float[] MIDDLE = {0.25f, 0.25f, 0.75f, 0.75f}; // ymin, xmin, ymax, xmax

    private final List<TensorSpec> inputs, outputs;
    private final List<ByteBuffer> in = new ArrayList<>(), out = new ArrayList<>();
    private final Labels labels;
    private final Analyzer.Kind kind;
    private final Function<Rgb, List<Seen>> rule;
    private final AtomicInteger invocations = new AtomicInteger();
    private volatile boolean closed;

    /** Plain buffers: {@link #invoke()} only counts, the test writes the outputs and reads the inputs. */
    public FakeEngine(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this(inputs, outputs, null, null, null);
    }

    private FakeEngine(List<TensorSpec> inputs, List<TensorSpec> outputs, Labels labels, Analyzer.Kind kind,
                       Function<Rgb, List<Seen>> rule) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.labels = labels;
        this.kind = kind;
        this.rule = rule;
        for (TensorSpec t : inputs) in.add(ByteBuffer.allocateDirect(t.elements() * t.type().bytes()).order(ByteOrder.nativeOrder()));
        for (TensorSpec t : outputs) out.add(ByteBuffer.allocateDirect(t.elements() * t.type().bytes()).order(ByteOrder.nativeOrder()));
    }

    /** A detector with TFLite_Detection_PostProcess outputs whose labels are {@code labels} (class i = labels[i]). */
    public static FakeEngine detector(Function<Rgb, List<Seen>> rule, String... labels) {
        List<TensorSpec> outs = List.of(
                floats("TFLite_Detection_PostProcess", 1, SLOTS, 4), floats("TFLite_Detection_PostProcess:1", 1, SLOTS),
                floats("TFLite_Detection_PostProcess:2", 1, SLOTS), floats("TFLite_Detection_PostProcess:3", 1));
        return new FakeEngine(List.of(IMAGE), outs, Labels.of(labels), Analyzer.Kind.DETECTOR, rule);
    }

    /** A detector that sees {@code label} with {@code score} in every frame. */
    public static FakeEngine detectorSeeing(String label, float score) {
        return detector(always(new Seen(label, score)), label);
    }

    /** A classifier with one float score per label; what the rule does not name scores 0. */
    public static FakeEngine classifier(Function<Rgb, List<Seen>> rule, String... labels) {
        return new FakeEngine(List.of(IMAGE), List.of(floats("scores", 1, labels.length)), Labels.of(labels),
                Analyzer.Kind.CLASSIFIER, rule);
    }

    private static TensorSpec floats(String name, int... shape) {
        return new TensorSpec(name, TensorType.FLOAT32, shape, 0f, 0);
    }

    /**
     * The wiring's model factory: an analyzer on this engine, with the fake's labels and kind. One start per fake:
     * the analyzer closes its engine when the daemon stops.
     */
    public Wiring.Analyzers analyzers() {
        if (rule == null) throw new IllegalStateException("a FakeEngine of plain buffers sees nothing; use detector(...) or classifier(...)");
        return (spec, options) -> Analyzer.open(spec.withLabels(labels).withKind(kind), this, options);
    }

    /**
     * A stand-in model file for the config's {@code model:} key: a few bytes that are no real model, so the store takes
     * it as a plain file and the wiring can hash it for the model id. The engine never reads it.
     */
    public static Path modelFile(Path dir) {
        try {
            Path f = dir.resolve("fake-model.tflite");
            Files.writeString(f, "a FakeEngine stands in for this model\n");
            return f.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public List<TensorSpec> inputs() { return inputs; }
    @Override public List<TensorSpec> outputs() { return outputs; }
    @Override public ByteBuffer input(int i) { return in.get(i); }
    @Override public ByteBuffer output(int i) { return out.get(i); }
    @Override public String delegate() { return "fake"; }
    @Override public void close() { closed = true; }

    public int invocations() { return invocations.get(); }

    public boolean closed() { return closed; }

    @Override
    public void invoke() {
        invocations.incrementAndGet();
        if (rule == null) return;
        List<Seen> seen = rule.apply(meanColour());
        if (kind == Analyzer.Kind.CLASSIFIER) {
            ByteBuffer scores = out.getFirst();
            for (int i = 0; i < labels.size(); i++) scores.putFloat(i * 4, 0f);
            for (Seen s : seen) scores.putFloat(index(s) * 4, s.score());
            return;
        }
        int n = Math.min(seen.size(), SLOTS);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) out.get(0).putFloat((i * 4 + k) * 4, MIDDLE[k]);
            out.get(1).putFloat(i * 4, index(seen.get(i)));
            out.get(2).putFloat(i * 4, seen.get(i).score());
        }
        out.get(3).putFloat(0, n);
    }

    private Rgb meanColour() {
        ByteBuffer px = in.getFirst();
        long r = 0, g = 0, b = 0;
        int pixels = IMAGE.elements() / 3;
        for (int i = 0; i < pixels * 3; i += 3) {
            r += px.get(i) & 0xff;
            g += px.get(i + 1) & 0xff;
            b += px.get(i + 2) & 0xff;
        }
        return new Rgb((int) (r / pixels), (int) (g / pixels), (int) (b / pixels));
    }

    private int index(Seen s) {
        return labels.indexOf(s.label()).orElseThrow(() -> new IllegalArgumentException(
                "fake engine: '" + s.label() + "' is not one of its labels; add it to the labels the fake is built with"));
    }
}
