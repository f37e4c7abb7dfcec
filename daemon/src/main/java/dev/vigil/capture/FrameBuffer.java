package dev.vigil.capture;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Latest wins, without allocation in steady state: the capture thread writes into a free Mat, publishes it, and the
 * previously published one, if nobody took it, goes back to the free list (a drop). Three Mats suffice (one being
 * written, one published, one lent to the consumer); more are made only if the consumer holds several frames.
 * The capture thread never waits here, except in lossless mode.
 */
final class FrameBuffer {

    private static final class Slot {
        final Mat mat = new Mat();
        Frame frame;
    }

    private final String camera;
    private final boolean lossless;
    private final Runnable onPublish;
    private final List<Slot> all = new ArrayList<>();
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    private final List<Slot> lent = new ArrayList<>();
    private Slot latest;
    /** Handed to the capture thread by writable(), not yet published. */
    private Slot writing;
    private boolean closed;
    private boolean ended;
    private long sequence;
    long captured, delivered, dropped;

    FrameBuffer(String camera, boolean lossless, Runnable onPublish) {
        this.camera = camera;
        this.lossless = lossless;
        this.onPublish = onPublish;
        synchronized (this) {
            for (int i = 0; i < 3; i++) all.add(new Slot());
            free.addAll(all);
        }
    }

    /** A Mat for the capture thread to read into; hand it back with {@link #publish} or {@link #giveBack}. */
    synchronized Mat writable() {
        Slot s = free.poll();
        if (s == null) {
            s = new Slot();
            all.add(s);
        }
        s.frame = null;
        writing = s;
        return s.mat;
    }

    /** The read failed: the Mat returns to the free list. */
    synchronized void giveBack(Mat mat) {
        if (writing != null && writing.mat == mat) {
            free.push(writing);
            writing = null;
        }
    }

    /**
     * Makes the Mat from {@link #writable()} the newest frame. In lossless mode waits (bounded by {@code stop}) until
     * the consumer took the previous one.
     */
    synchronized void publish(Mat mat, long captureNanos, Instant time, String sourceRef, BooleanSupplier stop)
            throws InterruptedException {
        Slot s = writing;
        if (s == null || s.mat != mat) throw new IllegalStateException("publish of a Mat that was not handed out");
        writing = null;
        if (lossless) {
            while (latest != null && !closed && !stop.getAsBoolean()) wait(50);
        }
        if (closed) {
            free.push(s);
            return;
        }
        s.frame = new Frame(camera, ++sequence, s.mat, captureNanos, time, sourceRef);
        captured++;
        if (latest != null) {
            dropped++;
            latest.frame = null;
            free.push(latest);
        }
        latest = s;
        notifyAll();
        onPublish.run();
    }

    /** The newest unconsumed frame, lent until {@link #release}, or null. */
    synchronized Frame poll() {
        Slot s = latest;
        if (s == null || closed) return null;
        latest = null;
        lent.add(s);
        delivered++;
        if (lossless) notifyAll();
        return s.frame;
    }

    /** Waits up to timeoutNanos for a frame; returns null on timeout, when the source ended or the camera closed. */
    synchronized Frame await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (latest == null && !closed && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            wait(Math.max(1, left / 1_000_000));
        }
        return poll();
    }

    synchronized void release(Frame f) {
        for (int i = 0; i < lent.size(); i++) {
            Slot s = lent.get(i);
            if (s.frame == f) {
                lent.remove(i);
                s.frame = null;
                if (closed) {
                    s.mat.close();
                } else {
                    free.push(s);
                }
                return;
            }
        }
        throw new IllegalArgumentException("frame " + f.sequence() + " of camera " + f.camera() + " is not lent by this camera");
    }

    /** No more frames will come (finite source). */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The source ended and its last frame was taken. */
    synchronized boolean drained() {
        return ended && latest == null;
    }

    /** Frees every Mat not lent to the consumer; lent ones are freed on release. Only once the capture thread is done. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        for (Slot s : all) {
            if (!lent.contains(s)) {
                s.frame = null;
                s.mat.close();
            }
        }
        free.clear();
        latest = null;
        writing = null;
        notifyAll();
    }

    /** Mats allocated so far (3 unless the consumer held several frames at once). */
    synchronized int pooled() {
        return all.size();
    }
}
