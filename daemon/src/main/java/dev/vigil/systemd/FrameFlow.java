package dev.vigil.systemd;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.Frame;
import dev.vigil.capture.SourceSpec;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.PipelineObserver;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The pipeline's health check behind systemd's watchdog: are frames flowing?
 *
 * <p>A frame <em>flows</em> when it reaches the inference thread and leaves it decided: inferred, or skipped by the
 * motion gate (nothing moved) or by a frame gate (e.g. waiting for a GPIO trigger). A frame whose inference failed
 * does not count: a pipeline that fails every frame (an Edge TPU unplugged) is better restarted.
 * <ul>
 *   <li><b>ready</b>: every enabled camera has had one frame flow, or its finite source has ENDED;</li>
 *   <li><b>flowing</b>: every enabled camera whose source has not ENDED had a frame flow within its window,
 *       {@code max(10 s, 3 frame periods)} at the fps its source is configured with (10 s when it names none).
 *       A camera DOWN and reconnecting delivers nothing, so it fails the check once its window has passed.</li>
 * </ul>
 * When every camera has ended (a batch replay done), nothing is expected to flow and the check passes.
 * The observer methods run on the inference and capture threads and only store a timestamp or a state.
 */
public final class FrameFlow implements PipelineObserver {

    public static final Duration MIN_WINDOW = Duration.ofSeconds(10);
    static final int PERIODS = 3;

    /** The result of one check; {@code problem} names the first camera that fails it (null when flowing). */
    public record Health(boolean flowing, String problem) {}

    private static final class Cam {
        final String name;
        final long windowNanos;
        volatile long lastFrame; // clock value of the last frame that flowed, 0 before the first
        volatile boolean seen;
        volatile CameraState state;
        volatile String reason;

        Cam(String name, Duration window) {
            this.name = name;
            this.windowNanos = window.toNanos();
        }
    }

    private final Map<String, Cam> cameras = new LinkedHashMap<>();
    private final LongSupplier clock;

    /** @param windows the enabled cameras, each with the time it may stay without a frame */
    public FrameFlow(Map<String, Duration> windows, LongSupplier nanoClock) {
        windows.forEach((name, w) -> cameras.put(name, new Cam(name, w)));
        this.clock = nanoClock;
    }

    /** The enabled cameras of {@code config}, each with its window from its source's fps. */
    public static FrameFlow of(VigilConfig config) {
        Map<String, Duration> w = new LinkedHashMap<>();
        for (CameraConfig c : config.enabledCameras()) w.put(c.name(), window(c.source()));
        return new FrameFlow(w, System::nanoTime);
    }

    /** {@code max(10 s, 3 frame periods)} at the source's configured fps; 10 s for sources that name none. */
    public static Duration window(SourceSpec source) {
        double fps = switch (source) {
            case SourceSpec.Device d -> d.fps();
            case SourceSpec.Folder f -> f.fps();
            case SourceSpec.VideoFile f -> f.fps();
            case SourceSpec.Stream s -> 0;
            case SourceSpec.Command c -> 0;
        };
        if (fps <= 0) return MIN_WINDOW;
        Duration periods = Duration.ofNanos(Math.round(PERIODS * 1e9 / fps));
        return periods.compareTo(MIN_WINDOW) > 0 ? periods : MIN_WINDOW;
    }

    // ---- observer (inference and capture threads) ----

    @Override
    public void cameraState(String camera, CameraState from, CameraState to, String reason) {
        Cam c = cameras.get(camera);
        if (c == null) return;
        c.reason = reason;
        c.state = to;
    }

    @Override
    public void frameProcessed(String camera, Frame frame, Analyzer analyzer, List<Detection> detections, long decisionNanos) {
        flowed(camera);
    }

    @Override
    public void frameSkipped(String camera, Frame frame, String reason) {
        flowed(camera);
    }

    private void flowed(String camera) {
        Cam c = cameras.get(camera);
        if (c == null) return;
        c.lastFrame = clock.getAsLong();
        c.seen = true;
    }

    // ---- checks (the notifier's thread) ----

    /** Every enabled camera has had a frame flow, or has ENDED. */
    public boolean ready() {
        for (Cam c : cameras.values()) if (!c.seen && c.state != CameraState.ENDED) return false;
        return true;
    }

    /** The cameras still without a first frame (for the status line while starting). */
    public List<String> waitingFor() {
        List<String> out = new ArrayList<>();
        for (Cam c : cameras.values()) if (!c.seen && c.state != CameraState.ENDED) out.add(c.name);
        return out;
    }

    public Health health() {
        long now = clock.getAsLong();
        for (Cam c : cameras.values()) {
            if (c.state == CameraState.ENDED) continue;
            if (!c.seen) return new Health(false, "camera " + c.name + ": no frame yet" + state(c));
            long silent = now - c.lastFrame;
            if (silent > c.windowNanos)
                return new Health(false, String.format(Locale.ROOT, "camera %s: no frame for %.0f s (limit %.0f s)%s",
                        c.name, silent / 1e9, c.windowNanos / 1e9, state(c)));
        }
        return new Health(true, null);
    }

    private static String state(Cam c) {
        CameraState s = c.state;
        if (s == null || s == CameraState.UP) return "";
        return ", " + s + (c.reason == null ? "" : ": " + c.reason);
    }
}
