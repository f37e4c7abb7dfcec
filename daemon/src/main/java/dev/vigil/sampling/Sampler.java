package dev.vigil.sampling;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.config.SamplingConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the frames the model is unsure of, as a consumer of the result bus. On the inference thread it only decides
 * ({@link #wants}: which strategies the frame meets and whether a limit still has room; no pixels copied otherwise); on
 * its own thread it hashes the frame, drops near duplicates of the camera's recent samples, encodes the JPEG and
 * writes the sample. Limits count a frame at its capture time on the daemon's monotonic clock.
 *
 * <p>Meters: {@code vigil_samples_total{camera,strategy}}, {@code vigil_samples_suppressed_total{camera}} (near
 * duplicates), {@code vigil_samples_dropped_total{camera,reason}} (limit, quota, error), {@code vigil_samples_evicted_total}
 * (deleted for the quota) and {@code vigil_samples_store_bytes}.
 */
public final class Sampler implements FrameConsumer {

    private static final Logger log = LoggerFactory.getLogger(Sampler.class);
    private static final String[] ORDER = {Selector.FEEDBACK, Selector.QC, Selector.NEAR, Selector.FLICKER, Selector.NOVELTY, Selector.RANDOM};

    private record Pending(FrameResult result, List<String> tags) {}

    /** A frame that fired, kept in memory for feedback: its analysis and its JPEG at full quality of sampling. */
    record Fired(FrameResult result, byte[] jpeg) {}

    /** Frames that fired kept per camera for operator feedback. */
    static final int FIRED_KEPT = 32;

    /** One camera: its strategies' state, limits and recent hashes. */
    private static final class Camera {
        final Selector selector;
        final Map<String, RateLimit> limits = new HashMap<>();
        final ArrayDeque<Long> recent = new ArrayDeque<>();
        /** The last frames that fired, as taken (operator feedback keeps one of them later); null without feedback. */
        final ArrayDeque<Fired> fired;
        final Map<String, Counter> kept = new HashMap<>(), dropped = new HashMap<>();
        Counter suppressed;

        Camera(Selector selector) {
            this.selector = selector;
            this.fired = selector.strategies().feedback().enabled() ? new ArrayDeque<>() : null;
        }
    }

    private final SamplingConfig config;
    private final SampleStore store;
    private final TimeSource time;
    private final MeterRegistry registry;
    private final Map<String, Camera> cameras = new HashMap<>();
    private final RateLimit total;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Counter evicted;
    private final IntPointer jpegParams;
    /** Held only for the limits and the pending list: the inference thread never waits for a write. */
    private final Object limits = new Object();
    /** Held while a sample is written: the consumer thread and an operator's feedback take turns. */
    private final Object writing = new Object();
    private boolean quotaFull; // under writing

    /** @param selectors each sampled camera's strategies (see {@link #selector}) */
    public Sampler(SamplingConfig config, SampleStore store, Map<String, Selector> selectors, TimeSource time, MeterRegistry registry) {
        this.config = config;
        this.store = store;
        this.time = time;
        this.registry = registry;
        this.total = new RateLimit(config.total());
        this.jpegParams = new IntPointer(IMWRITE_JPEG_QUALITY, config.jpegQuality());
        selectors.forEach((name, sel) -> {
            Camera c = new Camera(sel);
            SamplingConfig.Strategies s = sel.strategies();
            for (String tag : ORDER) {
                SamplingConfig.Strategy st = strategy(s, tag);
                if (!st.enabled()) continue;
                c.limits.put(tag, new RateLimit(st.limit()));
                c.kept.put(tag, Counter.builder("vigil.samples").description("Frames kept for the dataset, by the strategy they were kept for")
                        .tags("camera", name, "strategy", tag).register(registry));
            }
            c.suppressed = Counter.builder("vigil.samples.suppressed").description("Frames not kept: near duplicates of a recent sample of the camera")
                    .tag("camera", name).register(registry);
            for (String reason : List.of("limit", "quota", "error")) dropped(name, c, reason);
            cameras.put(name, c);
        });
        evicted = Counter.builder("vigil.samples.evicted").description("Unlabelled samples deleted to stay within sampling.quota").register(registry);
        Gauge.builder("vigil.samples.store", store, SampleStore::bytes).baseUnit("bytes").description("Bytes the dataset store holds")
                .strongReference(true).register(registry);
    }

    /** The strategies of one camera: its rule groups, its QC rules (null if not a station) and whether motion gates it. */
    public static Selector selector(String camera, List<dev.vigil.rules.GroupRule> groups, SamplingConfig.Strategies strategies,
                                    dev.vigil.qc.QcRules qc, boolean motionGated) {
        return new Selector(camera, groups, strategies, qc, motionGated);
    }

    private Counter dropped(String camera, Camera c, String reason) {
        return c.dropped.computeIfAbsent(reason, r -> Counter.builder("vigil.samples.dropped")
                .description("Frames a strategy chose but that were not kept: a limit was reached, the quota held only labelled samples, or writing failed")
                .tags("camera", camera, "reason", r).register(registry));
    }

    @Override
    public String name() { return "sampling"; }

    /** Each waiting frame holds a copy of its pixels: a few are enough, the limits keep few anyway. */
    @Override
    public int capacity() { return 8; }

    /** Decides on the inference thread, in frame order: the strategies met and whether any limit has room. */
    @Override
    public boolean wants(FrameOutcome o) {
        if (!(o instanceof FrameResult r)) return false;
        Camera c = cameras.get(r.camera());
        if (c == null) return false;
        List<String> tags = c.selector.select(r);
        boolean fired = c.fired != null && !r.triggers().isEmpty();
        if (tags.isEmpty() && !fired) return false;
        synchronized (limits) {
            if (!tags.isEmpty() && room(c, tags, r.captureNanos()) == null) {
                c.dropped.get("limit").increment();
                if (!fired) return false;
                tags = List.of();
            }
            if (pending.size() >= 4 * capacity()) pending.pollFirst(); // outcomes the bus dropped never come back for theirs
            pending.addLast(new Pending(r, tags));
        }
        return true;
    }

    @Override
    public boolean wantsPixels(FrameOutcome o) { return true; }

    /** The first strategy (in {@link #ORDER}) with room in its limit and the total's, or null. */
    private String room(Camera c, List<String> tags, long now) {
        if (!total.allows(now)) return null;
        for (String tag : ORDER) {
            if (!tags.contains(tag)) continue;
            RateLimit l = c.limits.get(tag);
            if (l != null && l.allows(now)) return tag;
        }
        return null;
    }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        Pending p;
        synchronized (limits) {
            while ((p = pending.pollFirst()) != null && p.result() != o) { /* dropped on the way: forget it */ }
        }
        if (p == null || pixels == null) return;
        FrameResult r = p.result();
        Camera c = cameras.get(r.camera());
        if (c.fired != null && !r.triggers().isEmpty()) {
            byte[] jpeg = encode(pixels);
            synchronized (c.fired) {
                if (jpeg != null) c.fired.addLast(new Fired(r, jpeg));
                if (c.fired.size() > FIRED_KEPT) c.fired.pollFirst();
            }
        }
        if (!p.tags().isEmpty()) keep(r, p.tags(), pixels, null, null, r.captureNanos());
    }

    /** The held frames of {@code camera} that fired within {@code around} of {@code time} (to the millisecond), oldest first. */
    List<Fired> fired(String camera, java.time.Instant time, java.time.Duration around) {
        Camera c = cameras.get(camera);
        List<Fired> out = new ArrayList<>();
        if (c == null || c.fired == null) return out;
        long at = time.toEpochMilli(), ms = around.toMillis();
        synchronized (c.fired) {
            for (Fired f : c.fired) if (Math.abs(f.result().frameTime().toEpochMilli() - at) <= ms) out.add(f);
        }
        return out;
    }

    /** Whether operator feedback keeps frames of this camera. */
    boolean takesFeedback(String camera) {
        Camera c = cameras.get(camera);
        return c != null && c.fired != null;
    }

    TimeSource time() { return time; }

    /**
     * Hashes, checks for a near duplicate (not for operator feedback), takes the limits and writes the sample.
     *
     * @return the sample written, or null
     */
    Sample keep(FrameResult r, List<String> tags, Mat pixels, String feedback, String event, long now) {
        return keep(r, tags, pixels, feedback, event, null, now);
    }

    /** As above; {@code eventTime}: the event's own frame gets the event's number in its id, its neighbours their frame's. */
    Sample keep(FrameResult r, List<String> tags, Mat pixels, String feedback, String event, java.time.Instant eventTime, long now) {
        synchronized (writing) {
            return write(r, tags, pixels, feedback, event, eventTime, now);
        }
    }

    private Sample write(FrameResult r, List<String> tags, Mat pixels, String feedback, String event, java.time.Instant eventTime, long now) {
        Camera c = cameras.get(r.camera());
        long hash = DHash.of(pixels);
        if (feedback == null && config.duplicateDistance() >= 0) {
            for (long h : c.recent) {
                if (DHash.distance(h, hash) <= config.duplicateDistance()) {
                    c.suppressed.increment();
                    return null;
                }
            }
        }
        String tag;
        synchronized (limits) {
            tag = room(c, tags, now);
        }
        if (tag == null) {
            c.dropped.get("limit").increment();
            return null;
        }
        byte[] jpeg = encode(pixels);
        if (jpeg == null) {
            c.dropped.get("error").increment();
            return null;
        }
        double f = Math.min(1, (double) config.maxSize() / Math.max(pixels.cols(), pixels.rows()));
        int width = (int) Math.round(pixels.cols() * f), height = (int) Math.round(pixels.rows() * f);
        String frame = event != null && eventTime != null && r.frameTime().toEpochMilli() == eventTime.toEpochMilli() ? "e" + event.substring(event.lastIndexOf('-') + 1) : Long.toString(r.sequence());
        Sample s = new Sample(Sample.id(r.frameTime(), r.camera(), frame), r.frameTime(), r.camera(), r.sourceRef(), tag, tags, r.model().name(),
                r.model().sha256(), r.kind() == Analyzer.Kind.DETECTOR ? "detector" : "classifier", width, height,
                predictions(r), null, feedback, event, hash);
        try {
            List<String> gone = store.add(s, jpeg);
            if (gone == null) {
                c.dropped.get("quota").increment();
                if (!quotaFull) log.warn("sampling: {} not kept: sampling.quota ({} bytes) is full of labelled samples; export and prune them", s.id(), config.quota());
                quotaFull = true; // said once until a sample fits again
                return null;
            }
            quotaFull = false;
            evicted.increment(gone.size());
        } catch (IOException e) {
            c.dropped.get("error").increment();
            log.warn("sampling: {} not written: {}", s.id(), e.toString());
            return null;
        }
        synchronized (limits) {
            total.take(now);
            c.limits.get(tag).take(now);
        }
        c.recent.addLast(hash);
        if (c.recent.size() > config.duplicateWindow()) c.recent.pollFirst();
        c.kept.get(tag).increment();
        return s;
    }

    static List<Sample.Box> predictions(FrameResult r) {
        List<Sample.Box> out = new ArrayList<>();
        for (Detection d : r.kind() == Analyzer.Kind.DETECTOR ? r.detections() : r.candidates()) {
            double[] box = null;
            if (r.kind() == Analyzer.Kind.DETECTOR) {
                box = new double[4];
                for (int i = 0; i < 4; i++) box[i] = Math.max(0, Math.min(1, d.box()[i]));
            }
            out.add(new Sample.Box(d.label(), d.score(), box));
        }
        return out;
    }

    /** The frame as JPEG, its longest side at most sampling.max_size. */
    private byte[] encode(Mat bgr) {
        int longest = Math.max(bgr.cols(), bgr.rows());
        Mat src = bgr;
        Mat scaled = null;
        if (longest > config.maxSize()) {
            double f = (double) config.maxSize() / longest; // the same sizes keep() records
            scaled = new Mat();
            try (Size size = new Size((int) Math.round(bgr.cols() * f), (int) Math.round(bgr.rows() * f))) {
                resize(bgr, scaled, size, 0, 0, INTER_AREA);
            }
            src = scaled;
        }
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(".jpg", src, buf, jpegParams)) return null;
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        } finally {
            if (scaled != null) scaled.close();
        }
    }

    static SamplingConfig.Strategy strategy(SamplingConfig.Strategies s, String tag) {
        return switch (tag) {
            case Selector.FEEDBACK -> s.feedback();
            case Selector.QC -> s.qc();
            case Selector.NEAR -> s.nearThreshold();
            case Selector.FLICKER -> s.flicker();
            case Selector.NOVELTY -> s.novelty();
            case Selector.RANDOM -> s.random();
            default -> throw new IllegalArgumentException(tag);
        };
    }

    public SampleStore store() { return store; }

    @Override
    public void close() { jpegParams.close(); }
}
