package dev.vigil.learn;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.postprocess.TensorReader;
import java.nio.ByteBuffer;

/**
 * The embedding extractor on an engine: writes go to its input tensor, {@link #embed} runs it and gives the
 * L2-normalised embedding. Owns the engine. A region of interest is the preprocessor's ({@link Roi#applyTo}).
 */
final class EmbeddingEngine implements AutoCloseable {

    private final InferenceEngine engine;
    private final TensorSpec out;
    private final ByteBuffer output;

    EmbeddingEngine(InferenceEngine engine) {
        this.engine = engine;
        if (engine.inputs().size() != 1 || engine.outputs().size() != 1)
            throw new IllegalArgumentException("an embedding extractor has one input and one output; this model has "
                    + engine.inputs().size() + " and " + engine.outputs().size());
        this.out = engine.outputs().getFirst();
        this.output = engine.output(0);
    }

    InferenceEngine engine() { return engine; }

    int dim() { return out.elements(); }

    /** Runs the extractor on what its input holds; {@code into} gets the unit-length embedding. */
    void embed(float[] into) {
        engine.invoke();
        double sum = 0;
        for (int i = 0; i < into.length; i++) {
            float v = TensorReader.get(out, output, i);
            into[i] = v;
            sum += (double) v * v;
        }
        float norm = (float) Math.sqrt(sum);
        if (norm > 0) for (int i = 0; i < into.length; i++) into[i] /= norm;
    }

    @Override
    public void close() {
        engine.close();
    }
}
