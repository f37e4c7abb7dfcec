package dev.vigil.metrics;

import dev.vigil.consumer.FrameConsumer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.rules.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The frame path's meters, fed from the result bus (a consumer on its own thread): per camera and model the stage
 * timers {@code vigil.capture}, {@code .preprocess}, {@code .inference}, {@code .postprocess}, {@code vigil.second_stage}
 * (per camera, once a second stage ran), {@code vigil.frame}
 * (capture to decision); counters {@code vigil.second_stage.crops} (result), {@code vigil.frames.processed}, {@code vigil.frames.motion.skipped},
 * {@code vigil.frames.dropped} (a gate's reason), {@code vigil.events} (group), {@code vigil.errors} (stage); and the
 * {@code vigil.processed.fps} gauge. These meters are the only counts of the frame path: {@code /api/status} and the
 * systemd status line read them too.
 */
public final class FrameMeters implements FrameConsumer {

    private final MeterRegistry registry;
    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();
    private final AtomicLong inferences = new AtomicLong();

    /** @param groups each camera's rule groups, so their event counters exist (at 0) before the first event */
    public FrameMeters(MeterRegistry registry, Map<String, ? extends Collection<String>> groups) {
        this.registry = registry;
        groups.forEach((camera, gs) -> {
            Camera c = camera(camera);
            c.error("inference");
            for (String g : gs) c.event(g);
            io.micrometer.core.instrument.Gauge.builder("vigil.processed.fps", c, x -> x.fps).strongReference(true)
                    .description("Frames through inference per second, over the last few seconds").tag("camera", camera).register(registry);
        });
    }

    @Override
    public String name() { return "metrics"; }

    /** Counters a tenth of a second late cost nothing; a wake-up per frame costs the inference threads a context switch. */
    @Override
    public java.time.Duration maxDelay() { return java.time.Duration.ofMillis(100); }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        Camera c = camera(o.camera());
        switch (o) {
            case FrameResult r -> {
                if (c.frame == null || !r.model().name().equals(c.model)) c.timers(r.model().name()); // first frame, or a hot swap
                var t = r.timings();
                c.capture.record(t.captureAge(), TimeUnit.NANOSECONDS);
                c.preprocess.record(t.preprocess(), TimeUnit.NANOSECONDS);
                c.inference.record(t.inference(), TimeUnit.NANOSECONDS);
                c.postprocess.record(t.postprocess(), TimeUnit.NANOSECONDS);
                if (t.secondStage() > 0) c.secondStage(t);
                c.frame.record(r.doneNanos() - r.captureNanos(), TimeUnit.NANOSECONDS);
                c.processed.increment();
                List<Trigger> triggers = r.triggers();
                for (int i = 0; i < triggers.size(); i++) c.event(triggers.get(i).group()).increment(); // indexed: no iterator per frame
                inferences.incrementAndGet();
            }
            case FrameOutcome.Skipped s -> {
                if ("motion".equals(s.reason())) c.motionSkipped.increment();
                else c.dropped(s.reason()).increment();
            }
            case FrameOutcome.Failed f -> c.error(f.stage()).increment();
        }
    }

    /** Inferences since start (the energy per inference divides by it). */
    public long inferences() { return inferences.get(); }

    /** Refreshes every camera's fps; on the metrics sampling thread. */
    void tick(long now) {
        for (Camera c : cameras.values()) c.updateFps(now);
    }

    // ---- reading (status API, systemd status line) ----

    public long processed(String camera) { return count(camera, c -> c.processed.count()); }

    public long motionSkipped(String camera) { return count(camera, c -> c.motionSkipped.count()); }

    /** Frames a gate (wake, trigger) kept from inference. */
    public long gateSkipped(String camera) { return count(camera, c -> c.dropped.values().stream().mapToDouble(Counter::count).sum()); }

    public long events(String camera) { return count(camera, c -> c.events.values().stream().mapToDouble(Counter::count).sum()); }

    public long errors(String camera) { return count(camera, c -> c.errors.values().stream().mapToDouble(Counter::count).sum()); }

    public double fps(String camera) {
        Camera c = cameras.get(camera);
        return c == null ? 0 : c.fps;
    }

    /** The mean of a camera's inference timer in milliseconds since start, NaN before the first frame. */
    public double inferenceMeanMs(String camera) { return mean(camera, true); }

    /** The mean capture-to-decision time of a camera in milliseconds since start, NaN before the first frame. */
    public double frameMeanMs(String camera) { return mean(camera, false); }

    private double mean(String camera, boolean inference) {
        Camera c = cameras.get(camera);
        Timer t = c == null ? null : inference ? c.inference : c.frame;
        return t == null || t.count() == 0 ? Double.NaN : t.mean(TimeUnit.MILLISECONDS);
    }

    private long count(String camera, java.util.function.ToDoubleFunction<Camera> f) {
        Camera c = cameras.get(camera);
        return c == null ? 0 : Math.round(f.applyAsDouble(c));
    }

    private Camera camera(String name) {
        Camera c = cameras.get(name);
        return c != null ? c : cameras.computeIfAbsent(name, n -> new Camera(n, registry));
    }

    /** One camera's meters. */
    private static final class Camera {
        final String name;
        final MeterRegistry registry;
        final Counter processed, motionSkipped;
        final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>(), events = new ConcurrentHashMap<>(),
                errors = new ConcurrentHashMap<>();
        // Made at the camera's first result, and again at the first of another model: the model tag comes with it.
        volatile Timer capture, preprocess, inference, postprocess, frame;
        // Made at the first frame a second stage ran on: cameras without one show no such meters.
        volatile Timer second;
        volatile Counter crops, cropsSmall, cropsOverLimit;
        volatile String model;
        volatile double fps;
        // fps over a sliding window of ticks (sampling thread only)
        final long[] counts = new long[6], times = new long[6];
        int ticks;

        Camera(String name, MeterRegistry registry) {
            this.name = name;
            this.registry = registry;
            processed = Counter.builder("vigil.frames.processed").description("Frames through inference and rules")
                    .tag("camera", name).register(registry);
            motionSkipped = Counter.builder("vigil.frames.motion.skipped").description("Frames without motion (no inference)")
                    .tag("camera", name).register(registry);
        }

        void timers(String model) {
            this.model = model;
            Tags t = Tags.of("camera", name, "model", model);
            capture = Metrics.timer(registry, "vigil.capture", "Age of the frame when its inference starts (capture, buffer and gates)", t);
            preprocess = Metrics.timer(registry, "vigil.preprocess", "Resize and convert into the input tensor", t);
            inference = Metrics.timer(registry, "vigil.inference", "The model's invoke", t);
            postprocess = Metrics.timer(registry, "vigil.postprocess", "Decoding the outputs into detections or classes", t);
            frame = Metrics.timer(registry, "vigil.frame", "From the frame's capture to the decision (after the rules)", t);
        }

        void secondStage(dev.vigil.pipeline.StageTimings t) {
            if (second == null) {
                second = Metrics.timer(registry, "vigil.second_stage", "Cropping and classifying a detector's boxes (all of a frame's)",
                        Tags.of("camera", name));
                crops = crops("classified");
                cropsSmall = crops("too_small");
                cropsOverLimit = crops("over_limit");
            }
            second.record(t.secondStage(), TimeUnit.NANOSECONDS);
            crops.increment(t.crops());
            cropsSmall.increment(t.cropsSkipped());
            cropsOverLimit.increment(t.overLimit());
        }

        private Counter crops(String result) {
            return Counter.builder("vigil.second_stage.crops").description("Boxes of the second stage's labels: classified, "
                    + "too small to classify, or beyond max_per_frame").tags("camera", name, "result", result).register(registry);
        }

        Counter dropped(String reason) {
            Counter c = dropped.get(reason);
            return c != null ? c : dropped.computeIfAbsent(reason, r -> Counter.builder("vigil.frames.dropped")
                    .description("Frames that never reached inference, by reason").tags("camera", name, "reason", r).register(registry));
        }

        Counter event(String group) {
            Counter c = events.get(group);
            return c != null ? c : events.computeIfAbsent(group, g -> Counter.builder("vigil.events")
                    .description("Rule groups that fired").tags("camera", name, "group", g).register(registry));
        }

        Counter error(String stage) {
            Counter c = errors.get(stage);
            return c != null ? c : errors.computeIfAbsent(stage, s -> Counter.builder("vigil.errors")
                    .description("Frames that failed, by stage").tags("camera", name, "stage", s).register(registry));
        }

        void updateFps(long now) {
            int i = ticks % counts.length;
            counts[i] = (long) processed.count();
            times[i] = now;
            ticks++;
            int oldest = ticks < counts.length ? 0 : ticks % counts.length;
            long dt = now - times[oldest];
            fps = ticks < 2 || dt <= 0 ? 0 : (counts[i] - counts[oldest]) * 1e9 / dt;
        }
    }
}
