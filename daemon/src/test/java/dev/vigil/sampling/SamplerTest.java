package dev.vigil.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.SamplingConfig;
import dev.vigil.control.Control;
import dev.vigil.events.Event;
import dev.vigil.events.EventFiles;
import dev.vigil.events.EventStore;
import dev.vigil.events.Retention;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.GroupRule;
import dev.vigil.rules.Trigger;
import dev.vigil.testing.VirtualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler on virtual time: limits to the millisecond, the quota, feedback. Frames are noise, so no two are alike. */
class SamplerTest {

    @TempDir
    Path tmp;

    final VirtualTime time = new VirtualTime();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<GroupRule> groups = List.of(new GroupRule("person", Set.of("person"), 0.5f, 0f, 1f));
    final List<Mat> mats = new ArrayList<>();
    Sampler sampler;
    SampleStore store;
    long sequence;
    final java.util.Random random = new java.util.Random(13);

    Sampler sampler(String sampling) throws Exception {
        SamplingConfig cfg = ConfigLoader.parse("""
                cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }
                sampling: %s
                """.formatted(sampling), tmp, Map.of()).sampling();
        store = SampleStore.open(cfg.dir(), cfg.quota(), EventFiles.local());
        sampler = new Sampler(cfg, store, Map.of("door", Sampler.selector("door", groups, cfg.of("door"), null, false)), time, meters);
        return sampler;
    }

    FrameResult frame(boolean fired, Object... labelsAndScores) {
        List<Detection> ds = new ArrayList<>();
        for (int i = 0; i < labelsAndScores.length; i += 2) {
            ds.add(new Detection((String) labelsAndScores[i], i / 2, ((Number) labelsAndScores[i + 1]).floatValue(), new float[] {0.1f, 0.2f, 0.5f, 0.9f}));
        }
        List<Trigger> triggers = new ArrayList<>();
        if (fired) triggers.add(new Trigger("door", "person", ds.get(0), time.instant()));
        return new FrameResult("door", ++sequence, time.instant(), "f" + sequence + ".jpg", time.nanoTime(),
                new ModelId("test-model", "a".repeat(64), "cpu"), Analyzer.Kind.DETECTOR, ds, new ArrayList<>(), triggers,
                new StageTimings(0, 0, 0, 0, 0), time.nanoTime());
    }

    Mat noise(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3);
        byte[] px = new byte[w * h * 3];
        random.nextBytes(px);
        m.data().put(px);
        mats.add(m);
        return m;
    }

    /** What the bus does: ask on the inference thread, hand over on the consumer's. True when a sample was written. */
    boolean offer(FrameResult r, int w, int h) {
        int before = store.size();
        if (!sampler.wants(r)) return false;
        sampler.accept(r, noise(w, h));
        return store.size() > before || !store.list().isEmpty() && store.list().getLast().id().endsWith("-" + r.sequence());
    }

    @AfterEach
    void free() {
        mats.forEach(Mat::close);
        if (sampler != null) sampler.close();
    }

    void at(long ms) { time.advance(Duration.ofNanos(VirtualTime.START_NANOS + ms * 1_000_000 - time.nanoTime())); }

    @Test
    void anHourlyLimitFreesItsPlaceAnHourAfterTheSampleItCountedAndTheDailyTotalHolds() throws Exception {
        sampler("""
                { enabled: true, dir: ds, duplicate_distance: -1, max_per_day: 4,
                  strategies: { near_threshold: { enabled: false }, flicker: { enabled: false }, random: { share: 1, max_per_hour: 2 } } }""");
        long[] kept = {0, 1000, 3_600_000, 3_601_000, 86_400_000};
        long[] refused = {2000, 3_599_999, 3_600_001, 7_300_000, 86_399_999};
        List<Long> all = new ArrayList<>();
        for (long k : kept) all.add(k);
        for (long r : refused) all.add(r);
        all.sort(null);
        List<Long> got = new ArrayList<>();
        for (long ms : all) {
            at(ms);
            if (offer(frame(false), 64, 48)) got.add(ms);
        }
        assertEquals(List.of(0L, 1000L, 3_600_000L, 3_601_000L, 86_400_000L), got);
        assertEquals(5, meters.find("vigil.samples").tags("strategy", "random").counter().count());
        assertEquals(5, meters.find("vigil.samples.dropped").tags("reason", "limit").counter().count());
    }

    @Test
    void theQuotaDeletesTheOldestUnlabelledSamplesAndNeverALabelledOne() throws Exception {
        sampler("""
                { enabled: true, dir: ds, duplicate_distance: -1, quota: 60000, jpeg_quality: 80,
                  strategies: { near_threshold: { enabled: false }, flicker: { enabled: false }, random: { share: 1, max_per_hour: 1000 } } }""");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            at(i * 1000L);
            assertTrue(offer(frame(false), 64, 64), "frame " + i);
            ids.add(store.list().getLast().id());
            if (i == 1) store.label(ids.get(1), List.of(new Sample.Box("person", 1, new double[] {0, 0, 0.5, 0.5})));
            assertTrue(store.bytes() <= 60000, store.bytes() + " bytes after frame " + i);
        }
        List<String> left = store.list().stream().map(Sample::id).toList();
        assertTrue(left.contains(ids.get(1)), "the labelled sample stays: " + left);
        List<String> unlabelled = left.stream().filter(id -> !id.equals(ids.get(1))).toList();
        assertEquals(ids.subList(30 - unlabelled.size(), 30), unlabelled, "the newest stay, the oldest went");
        assertTrue(unlabelled.size() < 28, "some were deleted: " + left.size());
        assertEquals(29 - unlabelled.size(), meters.find("vigil.samples.evicted").counter().count());
        for (String id : unlabelled) store.label(id, List.of());
        at(40_000);
        assertTrue(!offer(frame(false), 64, 64), "no room left but labelled samples: refused");
        assertEquals(1, meters.find("vigil.samples.dropped").tags("reason", "quota").counter().count());
        assertEquals(left, store.list().stream().map(Sample::id).toList());
    }

    @Test
    void aLargeFrameIsScaledToMaxSizeAndKeepsTheModelsGuessAsPreLabels() throws Exception {
        sampler("""
                { enabled: true, dir: ds, max_size: 320, strategies: { random: { enabled: false }, near_threshold: { band: 0.1 } } }""");
        assertTrue(offer(frame(false, "person", 0.55f), 1280, 720));
        Sample s = store.list().getFirst();
        assertEquals(List.of(320, 180), List.of(s.width(), s.height()));
        assertEquals("near_threshold", s.strategy());
        assertEquals("person", s.predictions().getFirst().label());
        assertEquals(0.55, s.predictions().getFirst().score(), 1e-6);
        assertEquals(null, s.labels());
        try (Mat jpg = org.bytedeco.opencv.global.opencv_imgcodecs.imread(store.jpeg(s.id()).toString())) {
            assertEquals(320, jpg.cols());
        }
        assertTrue(!offer(frame(false, "person", 0.75f), 640, 480), "0.75 lies outside 0.5 +- 0.1");
    }

    @Test
    void feedbackOnAnEventKeepsTheFrameAsItWasCaptured() throws Exception {
        sampler("{ enabled: true, dir: ds, strategies: { random: { enabled: false }, near_threshold: { enabled: false } } }");
        try (EventStore events = EventStore.open(tmp.resolve("events"), new Retention(100, 1L << 30, Duration.ofDays(30)))) {
            FrameResult fired = frame(true, "person", 0.9f);
            assertTrue(sampler.wants(fired), "a frame that fired is held for feedback");
            Mat pixels = noise(320, 240);
            sampler.accept(fired, pixels);
            assertEquals(0, store.size(), "held in memory, not kept");
            Event e = events.record(fired.triggers().getFirst(), fired.detections(), pixels, fired.sourceRef()).orElseThrow();
            for (long ms : new long[] {2000, 2001}) { // the same person 2 s later (a neighbour), and 1 ms past that (not one)
                at(ms);
                FrameResult next = frame(true, "person", 0.9f);
                assertTrue(sampler.wants(next));
                sampler.accept(next, noise(320, 240));
            }
            Control control = new Control(null, null, null, null, new Feedback(sampler, events), null);
            String said = control.feedback(e.id(), "{\"feedback\": \"false_alarm\"}", "test");
            assertTrue(said.contains("marked false_alarm") && said.endsWith("with 1 neighbour(s)"), said);
            assertEquals(2, store.size());
            Sample neighbour = store.list().getLast();
            assertEquals(List.of("false_alarm", e.id(), "20261121-080002-000-door-2"), List.of(neighbour.feedback(), neighbour.event(), neighbour.id()));
            Sample s = store.list().getFirst();
            assertTrue(s.id().matches("20261121-080000-000-door-e\\w+"), s.id());
            assertEquals(List.of("false_alarm", e.id(), "feedback"), List.of(s.feedback(), s.event(), s.strategy()));
            assertEquals(320, s.width());
            Control.Refused unknown = assertThrows(Control.Refused.class, () -> control.feedback("nope", "miss", "test"));
            assertEquals(Control.Reason.UNKNOWN, unknown.reason());
            Control.Refused bad = assertThrows(Control.Refused.class, () -> control.feedback(e.id(), "maybe", "test"));
            assertEquals(Control.Reason.MALFORMED, bad.reason());
            assertNotNull(meters.find("vigil.samples").tags("strategy", "feedback").counter());
        }
    }
}
