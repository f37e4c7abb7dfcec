package dev.vigil.learn;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.Engines;
import dev.vigil.preprocess.ImagePreprocessor;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames to unit embeddings with the same preprocessing the analyzer gives a frame (stretched to the input, the
 * extractor's own normalization), so what is learned here is what the learned model sees at inference.
 */
final class Embedder implements AutoCloseable {

    private final EmbeddingEngine extractor;
    private final ImagePreprocessor preprocessor;

    Embedder(Path extractorFile, Roi roi, String engine, EngineOptions options) {
        this.extractor = new EmbeddingEngine(Engines.open(engine, extractorFile, options));
        try {
            this.preprocessor = new ImagePreprocessor(extractor.engine().inputs().getFirst(), extractor.engine().input(0), null,
                    ImagePreprocessor.Resize.STRETCH);
            if (roi != null) roi.applyTo(preprocessor);
        } catch (RuntimeException e) {
            extractor.close();
            throw e;
        }
    }

    int dim() { return extractor.dim(); }

    /** The unit-length embedding of a BGR frame. */
    float[] embed(Mat bgr) {
        preprocessor.process(bgr);
        float[] e = new float[extractor.dim()];
        extractor.embed(e);
        return e;
    }

    @Override
    public void close() {
        preprocessor.close();
        extractor.close();
    }
}
