package dev.vigil.learn;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A learned model as an engine: the extractor's input is its input, its one output is float32 [1, classes] of class
 * probabilities, in a buffer it owns. Everything downstream of an engine (top-k, the analyzer, the hot swap's
 * self-test, eval) takes it as it takes a catalog classifier.
 */
final class LearnedEngine implements InferenceEngine {

    private final EmbeddingEngine extractor;
    private final Head head;
    private final float[] embedding, probabilities;
    private final ByteBuffer output;
    private final List<TensorSpec> outputs;

    private final Roi roi;

    LearnedEngine(EmbeddingEngine extractor, Head head, Roi roi) {
        this.roi = roi;
        if (extractor.dim() != head.dim()) {
            int dim = extractor.dim();
            extractor.close();
            throw new IllegalArgumentException("the head takes embeddings of " + head.dim() + " values, the extractor gives " + dim);
        }
        this.extractor = extractor;
        this.head = head;
        this.embedding = new float[head.dim()];
        this.probabilities = new float[head.classes()];
        this.output = ByteBuffer.allocateDirect(4 * head.classes()).order(ByteOrder.nativeOrder());
        this.outputs = List.of(new TensorSpec("probabilities", TensorType.FLOAT32, new int[] {1, head.classes()}, 0f, 0));
    }

    /** The region of the frame the preprocessor must give this model, or null for the whole frame. */
    Roi roi() { return roi; }

    @Override public List<TensorSpec> inputs() { return extractor.engine().inputs(); }

    @Override public List<TensorSpec> outputs() { return outputs; }

    @Override public ByteBuffer input(int i) { return extractor.engine().input(i); }

    @Override
    public ByteBuffer output(int i) {
        if (i != 0) throw new IndexOutOfBoundsException("a learned model has one output; asked for " + i);
        return output;
    }

    @Override
    public void invoke() {
        extractor.embed(embedding);
        head.probabilities(embedding, probabilities);
        for (int c = 0; c < probabilities.length; c++) output.putFloat(4 * c, probabilities[c]);
    }

    @Override public String delegate() { return extractor.engine().delegate() + "+" + head.kind().word() + "-head"; }

    @Override public void close() { extractor.close(); }
}
