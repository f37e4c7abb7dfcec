package dev.vigil.capture;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One consumer serving several cameras fairly: each call starts looking at the camera after the one served last, so a
 * fast camera cannot starve a slow one. Blocks on the cameras' shared {@link FrameSignal}, never spins. One consumer
 * thread per poller. A test helper: the daemon's loop serves its cameras itself.
 */
final class FramePoller {

    private final List<Camera> cameras;
    private final Map<String, Camera> byName = new HashMap<>();
    private final FrameSignal signal;
    private int next;

    /** The cameras must have been started with {@code Options.withSignal(signal)}. */
    FramePoller(List<Camera> cameras, FrameSignal signal) {
        if (cameras.isEmpty()) throw new IllegalArgumentException("no cameras");
        this.cameras = List.copyOf(cameras);
        this.signal = signal;
        for (Camera c : cameras)
            if (byName.put(c.name(), c) != null) throw new IllegalArgumentException("two cameras named " + c.name());
    }

    /**
     * The newest frame of the next camera in turn that has one; null on timeout or once every camera has ended. The
     * caller gives it back with {@link #release}.
     */
    public Frame next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = signal.version();
            for (int i = 0; i < cameras.size(); i++) {
                int k = (next + i) % cameras.size();
                Frame f = cameras.get(k).poll();
                if (f != null) {
                    next = (k + 1) % cameras.size();
                    return f;
                }
            }
            if (allEnded()) return null;
            long left = deadline - System.nanoTime();
            if (left <= 0 || !signal.await(seen, Duration.ofNanos(left))) return null;
        }
    }

    public void release(Frame frame) {
        Camera c = byName.get(frame.camera());
        if (c == null) throw new IllegalArgumentException("frame of unknown camera " + frame.camera());
        c.release(frame);
    }

    /** Every camera's source has ended and its last frame was taken (for {@code vigil run --once}). */
    public boolean allEnded() {
        for (Camera c : cameras) if (!c.ended()) return false;
        return true;
    }
}
