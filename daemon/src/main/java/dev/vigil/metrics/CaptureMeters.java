package dev.vigil.metrics;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.CameraStats;
import dev.vigil.health.Health;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Capture, read from the cameras at scrape time (so a scrape never shows fewer frames captured than processed):
 * {@code vigil.frames.captured}, {@code vigil.frames.dropped} (reason {@code stale}: overwritten by a newer frame
 * before inference; {@code undecodable}), {@code vigil.camera.reconnects}, and {@code vigil.camera.up} from the
 * health model.
 */
public final class CaptureMeters implements MeterBinder {

    private final List<String> cameras;
    private final Supplier<List<CameraStats>> stats;
    private final Health health;

    public CaptureMeters(List<String> cameras, Supplier<List<CameraStats>> stats, Health health) {
        this.cameras = List.copyOf(cameras);
        this.stats = stats;
        this.health = health;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        for (String cam : cameras) {
            counter(r, "vigil.frames.captured", "Frames read from the camera", cam, null, CameraStats::captured);
            counter(r, "vigil.frames.dropped", "Frames that never reached inference, by reason", cam, "stale", CameraStats::dropped);
            counter(r, "vigil.frames.dropped", "Frames that never reached inference, by reason", cam, "undecodable", CameraStats::decodeErrors);
            counter(r, "vigil.camera.reconnects", "Times the camera's source was reopened after it went down", cam, null, CameraStats::reconnects);
            Gauge.builder("vigil.camera.up", this, m -> m.health.camera(cam).state() == CameraState.UP ? 1 : 0).strongReference(true)
                    .description("1 while the camera delivers frames").tag("camera", cam).register(r);
        }
    }

    private void counter(MeterRegistry r, String name, String description, String cam, String reason, ToLongFunction<CameraStats> f) {
        var b = FunctionCounter.builder(name, this, m -> m.read(cam, f)).description(description).tag("camera", cam);
        if (reason != null) b.tag("reason", reason);
        b.register(r);
    }

    private double read(String camera, ToLongFunction<CameraStats> f) {
        for (CameraStats s : stats.get()) if (s.camera().equals(camera)) return f.applyAsLong(s);
        return 0;
    }
}
