package dev.vigil.capture;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's {@link CameraState}: every change is logged once (repeats of a camera that stays down at debug) and told
 * to the camera's listener, then the frame signal is raised so a waiting consumer looks again.
 */
final class CameraStatus {

    // Logged as the camera: operators filter on dev.vigil.capture.Camera.
    private static final Logger log = LoggerFactory.getLogger(Camera.class);

    private final Camera camera;
    private final Camera.Options options;
    /** Null until the capture thread reports its first CONNECTING. */
    private volatile CameraState state;
    private String lastDownReason; // guarded by this
    /** The first DOWN since the last UP (retries go DOWN, CONNECTING, DOWN: the outage began at the first). */
    private volatile java.time.Instant downSince;

    CameraStatus(Camera camera, Camera.Options options) {
        this.camera = camera;
        this.options = options;
    }

    CameraState state() {
        CameraState s = state;
        return s == null ? CameraState.CONNECTING : s;
    }

    /** The state as last set, null before the first. */
    CameraState current() {
        return state;
    }

    /** See {@link CameraStats#downSince()}. */
    java.time.Instant downSince() {
        return downSince;
    }

    /** Told from the capture thread or the watchdog, whichever made the change. */
    void set(CameraState to, String reason) {
        CameraState from;
        synchronized (this) {
            from = state;
            if (from == CameraState.ENDED || from == to && to != CameraState.DOWN) return;
            state = to;
            if (to == CameraState.UP) downSince = null;
            else if (to == CameraState.DOWN && downSince == null) downSince = options.time().clock().instant();
            logChange(from, to, reason);
        }
        Camera.Listener l = options.listener();
        if (l != null) {
            try {
                l.changed(camera, from, to, reason);
            } catch (RuntimeException e) {
                log.warn("camera {}: state listener failed", camera.name(), e);
            }
        }
        signal();
    }

    /** One line per change: {@code camera door: DOWN (rtsp://user:***@door/live): Connection refused; retry in 1.0 s}. */
    private void logChange(CameraState from, CameraState to, String reason) {
        String line = "camera " + camera.name() + ": " + to + " (" + camera.description() + ")"
                + (reason == null ? "" : ": " + reason);
        // A camera that stays down retries for hours: its first failure (and any new reason) is worth a line at
        // warn, the identical CONNECTING/DOWN pairs after it go to debug.
        String why = reason == null ? null : reason.replaceFirst("; (retry in|probing) .*$", "");
        boolean repeat = to == CameraState.CONNECTING && from == CameraState.DOWN
                || to == CameraState.DOWN && Objects.equals(why, lastDownReason);
        if (to == CameraState.DOWN) lastDownReason = why;
        if (to == CameraState.UP) lastDownReason = null;
        if (repeat) log.debug(line);
        else if (to == CameraState.DOWN || to == CameraState.ENDED && reason != null) log.warn(line);
        else log.info(line);
    }

    void signal() {
        FrameSignal s = options.signal();
        if (s != null) s.signal();
    }

    /** A delay as a reason line shows it: {@code 250 ms}, {@code 1.5 s}. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1e3);
    }
}
