package dev.vigil.swap;

import dev.vigil.pipeline.FrameOutcome;

/**
 * The frame path's side of a hot swap, implemented by the inference loop: the model it runs, a way to run code between
 * two frames (where a switch cannot cut a frame in half), and a look at every frame's outcome.
 */
public interface ModelSlot {

    /** The model the next frame runs on. */
    LoadedModel current();

    /**
     * Runs {@code task} on the inference thread between two frames, or on the caller when the loop does not run (not
     * started, stopped). Returns at once; the task runs exactly once.
     */
    void betweenFrames(Runnable task);

    /** The model of the next frames. Only from a {@link #betweenFrames} task or from an {@link Observer} call. */
    void use(LoadedModel model);

    /** Called on the inference thread after each frame's decision, with the model that analysed it. */
    @FunctionalInterface
    interface Observer {
        void frame(LoadedModel used, FrameOutcome outcome, long nanos);
    }
}
