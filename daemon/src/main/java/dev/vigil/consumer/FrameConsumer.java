package dev.vigil.consumer;

import dev.vigil.pipeline.FrameOutcome;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Something that can be late: it takes every frame's outcome from a bounded queue on a thread of its own (the event
 * journal and its snapshots, the live view, the metrics; MQTT and dataset sampling later). A consumer never slows the
 * frame path: when its queue is full the outcome is dropped for it and counted.
 */
public interface FrameConsumer extends AutoCloseable {

    /** A short name: the thread is {@code consumer-<name>} and the drop counter's tag. */
    String name();

    /** How many outcomes may wait for this consumer; one that keeps pixels should keep few. */
    default int capacity() { return ResultBus.DEFAULT_CAPACITY; }

    /**
     * Asked on the inference thread first: false when this outcome is of no interest (the event journal wants only
     * frames that fired), so it is neither queued nor counted. Must be quick and must not block.
     */
    default boolean wants(FrameOutcome outcome) { return true; }

    /**
     * How long an outcome may wait before this consumer's thread is woken for it. Zero: at once. More: the thread
     * wakes that often and takes what came in between, which spares the inference threads a context switch per
     * frame on a two-core board (the metrics take every frame but may be a tenth of a second late).
     */
    default java.time.Duration maxDelay() { return java.time.Duration.ZERO; }

    /**
     * Asked on the inference thread for each outcome, before it is queued: true when {@link #accept} needs the frame's
     * pixels (one copy is made and shared by every consumer that wants it). Must be quick and must not block.
     */
    default boolean wantsPixels(FrameOutcome outcome) { return false; }

    /**
     * On the consumer's thread, in frame order. {@code pixels} is a BGR copy of the frame when {@link #wantsPixels} said
     * so, else null; it is freed after the call returns, so copy what must outlive it.
     */
    void accept(FrameOutcome outcome, Mat pixels);

    /** After the last {@link #accept}: flush and release. */
    @Override
    default void close() {}
}
