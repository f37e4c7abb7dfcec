package dev.vigil.health;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.SourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The one answer to "is vigil well?", for every reader: {@code /readyz}, the systemd watchdog, the GPIO heartbeat and
 * {@code /api/status}. Two questions with different answers:
 * <ul>
 *   <li><b>Is vigil itself stuck?</b> ({@link #stuck()}) The inference loop has not turned within {@link #LOOP_LIMIT}
 *       (an invoke that hangs, a deadlock), a capture thread has been inside one open or read call far past every
 *       source's own timeout ({@link #CAPTURE_LIMIT}), or a thread that must run died. Only this stops the systemd
 *       watchdog: restarting the process is the cure for it and for nothing else.</li>
 *   <li><b>Is every camera delivering?</b> ({@link #problem()}) A camera that is down and reconnecting is a fact to
 *       report (503 on {@code /readyz}, the status page, MQTT later) while its own reconnect runs; restarting vigil
 *       would not bring it back.</li>
 * </ul>
 * Writers: the inference thread ({@link #loopTurned}, {@link #flowed}, {@link #failed}), capture threads
 * ({@link #cameraState}); readers poll. Every field is a volatile single value: nothing here blocks or allocates on the
 * frame path.
 */
public final class Health {

    /** The inference loop turns at least every 200 ms while idle; a single invoke on a Pi takes well under a second. */
    public static final Duration LOOP_LIMIT = Duration.ofSeconds(15);
    /** Sources abort their own calls after 5-20 s (connect, read and stall timeouts); this is far beyond any of them. */
    public static final Duration CAPTURE_LIMIT = Duration.ofSeconds(60);
    /** A camera counts as delivering when a frame of it went through the loop within this (or 3 frame periods). */
    public static final Duration MIN_FRESH = Duration.ofSeconds(10);

    /** What a capture thread reports about itself (the camera), read when health is asked. */
    public interface CaptureProbe {
        /** How long the capture thread has been inside its current open or read call (zero outside one). */
        Duration blockedFor();

        /** False once the capture thread has ended for any reason other than close() or a finite source's end. */
        boolean alive();
    }

    /** One camera's health now. */
    public enum CameraHealth { STARTING, FLOWING, DOWN, STALE, STUCK, ENDED }

    /** @param reason why the camera is not FLOWING (null when it is) */
    public record CameraView(String camera, CameraHealth health, CameraState state, String reason, long lastFlowNanos) {}

    private static final class Cam {
        final String name;
        volatile long freshNanos; // a reload may give the camera a source of another fps
        volatile CaptureProbe probe;
        volatile CameraState state;
        volatile String reason;
        volatile long lastFlow; // 0 before the first frame through the loop

        Cam(String name, Duration fresh) {
            this.name = name;
            this.freshNanos = fresh.toNanos();
        }
    }

    private final Map<String, Cam> cameras = new LinkedHashMap<>();
    private final LongSupplier clock;
    private final List<String> deadThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile long loopTurn, lastFlow, lastSuccess, lastFailure;
    private volatile boolean modelLoaded, loopStopped;
    private volatile String loopFailure;

    /** @param fresh each enabled camera with the time it may go without a frame before it counts as not delivering */
    public Health(Map<String, Duration> fresh, LongSupplier nanoClock) {
        fresh.forEach((n, d) -> cameras.put(n, new Cam(n, d.compareTo(MIN_FRESH) > 0 ? d : MIN_FRESH)));
        this.clock = nanoClock;
    }

    /** {@code max(10 s, 3 frame periods)} at the source's configured fps; 10 s for sources that name none. */
    public static Duration freshness(SourceSpec source) {
        double fps = switch (source) {
            case SourceSpec.Device d -> d.fps();
            case SourceSpec.Folder f -> f.fps();
            case SourceSpec.VideoFile f -> f.fps();
            case SourceSpec.Stream s -> 0;
            case SourceSpec.Command c -> 0;
        };
        if (fps <= 0) return MIN_FRESH;
        Duration periods = Duration.ofNanos(Math.round(3 * 1e9 / fps));
        return periods.compareTo(MIN_FRESH) > 0 ? periods : MIN_FRESH;
    }

    public void probe(String camera, CaptureProbe probe) { cam(camera).probe = probe; }

    /** A camera reopened on another source (a config reload): its probe and how long it may go without a frame. */
    public void reopened(String camera, CaptureProbe probe, Duration fresh) {
        Cam c = cam(camera);
        c.freshNanos = (fresh.compareTo(MIN_FRESH) > 0 ? fresh : MIN_FRESH).toNanos();
        c.probe = probe;
    }

    // ---- writers ----

    public void modelLoaded() { modelLoaded = true; }

    /** The inference loop went round once (a frame, or an idle wait that ended). */
    public void loopTurned(long nanos) { loopTurn = nanos; }

    /** The loop ended: by itself after {@code --once}, by close(), or by an error ({@code failure} non-null). */
    public void loopStopped(String failure) {
        loopFailure = failure;
        loopStopped = true;
    }

    public void cameraState(String camera, CameraState to, String reason) {
        Cam c = cameras.get(camera);
        if (c == null) return;
        c.reason = reason;
        c.state = to;
    }

    /** A frame of the camera left the inference thread decided (processed or skipped by a gate). */
    public void flowed(String camera, long nanos, boolean inferred) {
        Cam c = cameras.get(camera);
        if (c != null) c.lastFlow = nanos;
        lastFlow = nanos;
        if (inferred) lastSuccess = nanos;
    }

    /** A frame failed in a stage: it did not flow. */
    public void failed(String camera, long nanos) { lastFailure = nanos; }

    /** A thread vigil needs died (a consumer, the notifier): noticed here, so the watchdog stops. */
    public void threadDied(String name, Throwable why) { deadThreads.add(name + ": " + why); }

    // ---- readers ----

    /** The model is loaded and the inference loop runs: systemd's READY, whatever the cameras do. */
    public boolean ready() {
        return modelLoaded && loopTurn != 0;
    }

    /** Why vigil itself is stuck (the watchdog must starve), or null when it is not. */
    public String stuck() {
        long now = clock.getAsLong();
        if (loopStopped) return loopFailure != null ? "inference stopped: " + loopFailure : null;
        long turn = loopTurn;
        if (modelLoaded && turn != 0 && now - turn > LOOP_LIMIT.toNanos())
            return String.format(Locale.ROOT, "the inference loop has not turned for %.0f s", (now - turn) / 1e9);
        for (Cam c : cameras.values()) {
            CaptureProbe p = c.probe;
            if (p == null) continue;
            if (!p.alive()) return "camera " + c.name + ": its capture thread died";
            Duration b = p.blockedFor();
            if (b.compareTo(CAPTURE_LIMIT) > 0)
                return String.format(Locale.ROOT, "camera %s: capture thread stuck in one call for %d s", c.name, b.toSeconds());
        }
        if (!deadThreads.isEmpty()) return "thread died: " + deadThreads.getFirst();
        return null;
    }

    /** Why the pipeline is not fully well (stuck, not started, or a camera not delivering), or null. For /readyz. */
    public String problem() {
        if (loopStopped && loopFailure != null) return "inference stopped: " + loopFailure;
        if (!modelLoaded) return "model not loaded";
        String s = stuck();
        if (s != null) return s;
        for (CameraView v : cameras()) {
            if (v.health() != CameraHealth.FLOWING && v.reason() != null) return "camera " + v.camera() + ": " + v.reason();
        }
        return null;
    }

    public List<CameraView> cameras() {
        long now = clock.getAsLong();
        List<CameraView> out = new ArrayList<>();
        for (Cam c : cameras.values()) out.add(view(c, now));
        return out;
    }

    public CameraView camera(String name) { return view(cam(name), clock.getAsLong()); }

    private CameraView view(Cam c, long now) {
        CameraState s = c.state;
        long last = c.lastFlow;
        CaptureProbe p = c.probe;
        // A finite source that delivered everything ended well; one that failed (a folder that is not there) did not.
        if (s == CameraState.ENDED) return new CameraView(c.name, CameraHealth.ENDED, s, c.reason == null ? null : "ended: " + c.reason, last);
        if (p != null && p.blockedFor().compareTo(CAPTURE_LIMIT) > 0)
            return new CameraView(c.name, CameraHealth.STUCK, s, "capture stuck in one call for " + p.blockedFor().toSeconds() + " s", last);
        if (s == CameraState.DOWN) return new CameraView(c.name, CameraHealth.DOWN, s, "down" + (c.reason == null ? "" : ": " + c.reason), last);
        if (last == 0) return new CameraView(c.name, CameraHealth.STARTING, s, "no frame yet" + (s == null ? "" : " (" + s + ")"), last);
        if (now - last > c.freshNanos)
            return new CameraView(c.name, CameraHealth.STALE, s, String.format(Locale.ROOT, "no frame for %.0f s (limit %.0f s)",
                    (now - last) / 1e9, c.freshNanos / 1e9), last);
        return new CameraView(c.name, CameraHealth.FLOWING, s, null, last);
    }

    /** System.nanoTime() of the newest frame of any camera through the loop, 0 before the first. */
    public long lastFlowNanos() { return lastFlow; }

    /** System.nanoTime() of the newest successful inference, 0 before the first. */
    public long lastSuccessNanos() { return lastSuccess; }

    /** System.nanoTime() of the newest failed frame, 0 before the first. */
    public long lastFailureNanos() { return lastFailure; }

    public long now() { return clock.getAsLong(); }

    private Cam cam(String name) {
        Cam c = cameras.get(name);
        if (c == null) throw new IllegalArgumentException("no camera " + name + " (cameras: " + cameras.keySet() + ")");
        return c;
    }
}
