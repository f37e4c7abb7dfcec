package dev.vigil.pipeline;

import dev.vigil.preprocess.ImagePreprocessor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame already preprocessed into the model's input format, in a buffer of its own. Lets preprocessing run on
 * another thread (a camera's capture thread, the benchmark's producer) while the engine runs the previous frame;
 * the inference thread then only copies it into the tensor. Reused frame after frame; one writer at a time.
 */
public final class PreparedInput implements AutoCloseable {

    final ByteBuffer data;
    final ImagePreprocessor preprocessor;
    long preprocessNanos;
    long startNanos;

    PreparedInput(Analyzer a, ImagePreprocessor.Resize resize) {
        var in = a.engine().inputs().get(0);
        data = ByteBuffer.allocateDirect(a.engine().input(0).capacity()).order(ByteOrder.nativeOrder());
        preprocessor = new ImagePreprocessor(in, data, a.spec().normalization().orElse(null), resize);
    }

    /** Preprocesses {@code bgr} into this buffer; {@code startNanos} is when the frame entered the pipeline. */
    public void prepare(Mat bgr, long startNanos) {
        long t0 = System.nanoTime();
        preprocessor.process(bgr);
        this.preprocessNanos = System.nanoTime() - t0;
        this.startNanos = startNanos;
    }

    public long preprocessNanos() { return preprocessNanos; }

    /** When the frame entered the pipeline (System.nanoTime), for capture-to-decision latency. */
    public long startNanos() { return startNanos; }

    @Override
    public void close() { preprocessor.close(); }
}
