package dev.vigil.http;

import dev.vigil.consumer.FrameConsumer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.events.SnapshotRenderer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The newest frame of each camera with its detections, for {@code latest.jpg} and the MJPEG live view.
 *
 * <p>A consumer of the result bus: it asks for a copy of a frame a few times a second at most (once a second while
 * nobody watches) and keeps it in a buffer the camera's slot owns, on its own thread. Drawing the boxes and encoding
 * the JPEG happen on the HTTP thread that asks, once per new frame however many viewers there are.
 */
public final class LiveView implements FrameConsumer {

    /** A JPEG of one frame: {@code version} grows with every new frame of the camera. */
    public record Picture(byte[] jpeg, long version, long captureNanos) {}

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final long watchedPeriod, idlePeriod, watchWindow;
    private final LongSupplier clock;
    private volatile boolean closed;

    /** @param fps frames per second copied while someone watches (the live view's rate) */
    public LiveView(Collection<String> cameras, double fps) {
        this(cameras, fps, System::nanoTime);
    }

    LiveView(Collection<String> cameras, double fps, LongSupplier clock) {
        this.watchedPeriod = (long) (1e9 / fps);
        this.idlePeriod = Duration.ofSeconds(1).toNanos();
        this.watchWindow = Duration.ofSeconds(5).toNanos();
        this.clock = clock;
        for (String c : cameras) slots.put(c, new Slot());
    }

    public boolean has(String camera) { return slots.containsKey(camera); }

    @Override
    public String name() { return "live"; }

    /** Only the newest picture matters: a viewer holding a slot makes older copies worthless. */
    @Override
    public int capacity() { return 2; }

    /**
     * On the inference thread: a frame is wanted a few times a second while someone watches the camera, once a second
     * otherwise. Deciding here (not in {@link #accept}) is what keeps the bus from copying every frame.
     */
    @Override
    public boolean wants(FrameOutcome o) {
        if (o instanceof FrameOutcome.Failed || closed) return false;
        Slot s = slots.get(o.camera());
        if (s == null) return false;
        long now = clock.getAsLong();
        long watched = s.watchedAt; // 0: never (nanoTime's origin is arbitrary, so no time counts as "long ago")
        long period = watched != 0 && now - watched < watchWindow ? watchedPeriod : idlePeriod;
        if (s.requestedAt != 0 && now - s.requestedAt < period) return false;
        s.requestedAt = now;
        return true;
    }

    /** Every outcome it {@link #wants} it keeps a picture of. */
    @Override
    public boolean wantsPixels(FrameOutcome o) { return true; }

    /** On the consumer's thread: keeps the copy; a viewer rendering the slot holds it up, never the frame path. */
    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        if (pixels == null) return;
        Slot s = slots.get(o.camera());
        if (s == null) return;
        s.lock.lock();
        try {
            if (closed) return;
            pixels.copyTo(s.frame);
            s.detections = o instanceof FrameResult r ? r.candidates() : List.of();
            s.captureNanos = o.captureNanos();
            s.version++;
        } finally {
            s.lock.unlock();
        }
    }

    /** Marks the camera as watched, so frames are kept at the live rate for the next few seconds. */
    public void watch(String camera) {
        Slot s = slots.get(camera);
        if (s != null) s.watchedAt = clock.getAsLong();
    }

    /** The version of the camera's newest frame (0 before the first, -1 for an unknown camera). */
    public long version(String camera) {
        Slot s = slots.get(camera);
        return s == null ? -1 : s.version;
    }

    /** The newest frame of the camera, annotated, as JPEG; null before its first frame or for an unknown camera. */
    public Picture latest(String camera) {
        Slot s = slots.get(camera);
        if (s == null) return null;
        s.lock.lock();
        try {
            if (closed || s.version == 0) return null;
            if (s.picture == null || s.picture.version() != s.version) {
                byte[] jpeg = s.renderer.render(s.frame, s.detections, null);
                if (jpeg == null) return null;
                s.picture = new Picture(jpeg, s.version, s.captureNanos);
            }
            return s.picture;
        } finally {
            s.lock.unlock();
        }
    }

    /** Runs {@code r} holding the camera's slot, as a viewer rendering it does (tests). */
    void whileLocked(String camera, Runnable r) {
        Slot s = slots.get(camera);
        s.lock.lock();
        try {
            r.run();
        } finally {
            s.lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Slot s : slots.values()) {
            s.lock.lock();
            try {
                s.frame.close();
                s.renderer.close();
            } finally {
                s.lock.unlock();
            }
        }
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Mat frame = new Mat();
        final SnapshotRenderer renderer = new SnapshotRenderer();
        List<Detection> detections = List.of();
        long captureNanos;
        volatile long version;
        volatile long requestedAt; // inference thread only
        volatile long watchedAt;
        Picture picture;
    }
}
