package dev.vigil.consumer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One copy of a frame's pixels shared by the consumers that asked for it; the last one to finish frees it. The frame's
 * own Mat goes back to the camera's buffer as soon as the inference thread is done, so this copy is what outlives it.
 */
final class SharedPixels {

    private final Mat mat;
    private final AtomicInteger users;
    private final long bytes;
    private final AtomicLong budget;

    /** Copies {@code source}, counting its bytes against {@code budget} until the last user is done. */
    SharedPixels(Mat source, int users, long bytes, AtomicLong budget) {
        this.mat = source.clone();
        this.users = new AtomicInteger(users);
        this.bytes = bytes;
        this.budget = budget;
    }

    Mat mat() { return mat; }

    /** One user is done (or its queue refused the outcome); the native memory goes with the last. */
    void release() {
        if (users.decrementAndGet() == 0) {
            mat.close();
            budget.addAndGet(-bytes);
        }
    }
}
