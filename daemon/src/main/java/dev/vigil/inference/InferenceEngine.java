package dev.vigil.inference;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Tensors in, tensors out. An engine knows nothing about images, labels or boxes.
 *
 * <p>The buffers handed out are views over memory the engine owns: write the inputs, call {@link #invoke()},
 * read the outputs. They stay valid until {@link #close()} and are the same objects on every call, so the hot
 * path allocates nothing. An engine is used by one thread at a time.
 */
public interface InferenceEngine extends AutoCloseable {

    List<TensorSpec> inputs();

    List<TensorSpec> outputs();

    /** Direct, native-order buffer over input tensor {@code i}. */
    ByteBuffer input(int i);

    /** Direct, native-order buffer over output tensor {@code i}; its contents are those of the last invoke. */
    ByteBuffer output(int i);

    /** Runs the model once. Throws {@link InferenceException} when the runtime reports an error. */
    void invoke();

    /** What executes the graph, for logs and status: e.g. "xnnpack", "xnnpack-ffm(qu8)", "edgetpu", "djl". */
    String delegate();

    /** Frees every native object the engine owns. Idempotent. */
    @Override
    void close();
}
