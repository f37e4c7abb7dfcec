package dev.vigil.learn;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import dev.vigil.postprocess.TensorReader;
import java.nio.ByteBuffer;

/**
 * The embedding extractor on an engine: writes go to its input tensor, {@link #embed} runs it (after the region of
 * interest, if any) and gives the L2-normalised embedding. Owns the engine.
 */
final class EmbeddingEngine implements AutoCloseable {

    private final InferenceEngine engine;
    private final TensorCrop crop;
    private final TensorSpec out;
    private final ByteBuffer output;

    EmbeddingEngine(InferenceEngine engine, Roi roi) {
        this.engine = engine;
        if (engine.inputs().size() != 1 || engine.outputs().size() != 1)
            throw new IllegalArgumentException("an embedding extractor has one input and one output; this model has "
                    + engine.inputs().size() + " and " + engine.outputs().size());
        this.out = engine.outputs().getFirst();
        this.output = engine.output(0);
        this.crop = roi == null ? null : new TensorCrop(engine.inputs().getFirst(), engine.input(0), roi);
    }

    InferenceEngine engine() { return engine; }

    int dim() { return out.elements(); }

    /** Runs the extractor on what its input holds; {@code into} gets the unit-length embedding. */
    void embed(float[] into) {
        if (crop != null) crop.apply();
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
        if (crop != null) crop.close();
        engine.close();
    }
}
