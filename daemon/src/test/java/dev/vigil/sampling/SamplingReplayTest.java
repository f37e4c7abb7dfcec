package dev.vigil.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon replays the shared photos through the real detector with sampling on; the store holds what the strategies chose. */
class SamplingReplayTest {

    @TempDir
    Path tmp;

    static final String CONFIG = """
            model: ssd_mobilenet_v1_coco_quant
            threads: 2
            events: { dir: %s }
            cameras:
              door:
                source: { folder: %s, fps: 20, loop: false }
                groups:
                  person: { labels: [person], min_score: 0.5 }
                  animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.4 }
                motion: { enabled: false }
            sampling:
              enabled: true
              dir: %s
              duplicate_distance: %d
              strategies:
                near_threshold: { enabled: %s, band: 0.15 }
                flicker: { enabled: false }
                qc: { enabled: false }
                novelty: { enabled: false }
                random: { enabled: %s, share: 1, max_per_hour: %d }
            """;

    /** Every analysed frame, by sequence. */
    static final class Recorder implements FrameConsumer {
        final Map<Long, FrameResult> frames = new ConcurrentHashMap<>();

        @Override public String name() { return "recorder"; }

        @Override public boolean wants(FrameOutcome o) { return o instanceof FrameResult; }

        @Override public void accept(FrameOutcome o, Mat pixels) { frames.put(o.sequence(), (FrameResult) o); }
    }

    record Run(Map<Long, FrameResult> frames, List<Sample> samples, MeterRegistry meters) {}

    Run replay(Path photos, boolean near, boolean random, int randomPerHour, int distance) throws Exception {
        VigilConfig cfg = ConfigLoader.parse(CONFIG.formatted(tmp.resolve("events"), photos, tmp.resolve("dataset"), distance, near, random,
                randomPerHour), tmp, Map.of());
        Recorder rec = new Recorder();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false).withConsumer(rec);
        try (Vigil d = Wiring.start(cfg, parts)) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(90)), "--once did not finish: " + d.cameraStats());
            d.bus().close(); // drains the sampler's queue
            List<Sample> samples = SampleStore.open(tmp.resolve("dataset"), Long.MAX_VALUE, dev.vigil.events.EventFiles.local()).list();
            return new Run(new TreeMap<>(rec.frames), samples, d.metrics().registry());
        }
    }

    static Set<Long> sequences(List<Sample> samples) {
        Set<Long> out = new TreeSet<>();
        for (Sample s : samples) out.add(Long.parseLong(s.id().substring(s.id().lastIndexOf('-') + 1)));
        return out;
    }

    static double count(MeterRegistry r, String name, String... tags) {
        var c = r.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void nearThresholdKeepsTheFramesWithAScoreWithinTheBandOfItsGroup() throws Exception {
        Run run = replay(TestData.images().toAbsolutePath(), true, false, 20, -1);
        Set<Long> expected = new TreeSet<>();
        run.frames().forEach((seq, r) -> {
            for (Detection d : r.detections()) {
                boolean person = d.label().equals("person") && Math.abs(d.score() - 0.5) <= 0.15;
                boolean animal = Set.of("cat", "dog", "bird", "horse", "sheep", "cow", "bear").contains(d.label()) && Math.abs(d.score() - 0.4) <= 0.15;
                if (person || animal) expected.add(seq);
            }
        });
        assertEquals(10, run.frames().size(), "every photo analysed once");
        assertFalse(expected.isEmpty(), "some photo holds a score near a threshold: " + run.frames());
        assertTrue(expected.size() < run.frames().size(), "and some none: " + expected);
        assertEquals(expected, sequences(run.samples()));
        for (Sample s : run.samples()) {
            assertEquals("near_threshold", s.strategy());
            assertEquals("ssd_mobilenet_v1_coco_quant", s.model());
            assertEquals(64, s.sha256().length());
            assertFalse(s.predictions().isEmpty());
            assertTrue(Files.size(tmp.resolve("dataset/samples/" + s.id() + ".jpg")) > 1000);
            assertEquals(s.source(), run.frames().get(sequences(List.of(s)).iterator().next()).sourceRef());
        }
        assertEquals(expected.size(), count(run.meters(), "vigil.samples", "camera", "door", "strategy", "near_threshold"));
    }

    @Test
    void randomKeepsEveryFrameUpToItsHourlyLimitAndCountsTheRest() throws Exception {
        Run run = replay(TestData.images().toAbsolutePath(), false, true, 4, -1);
        assertEquals(Set.of(1L, 2L, 3L, 4L), sequences(run.samples()), "the first four frames of the hour");
        assertEquals(4, count(run.meters(), "vigil.samples", "camera", "door", "strategy", "random"));
        assertEquals(6, count(run.meters(), "vigil.samples.dropped", "camera", "door", "reason", "limit"));
    }

    @Test
    void nearDuplicatesOfARecentSampleAreSuppressed() throws Exception {
        Path photos = Files.createDirectories(tmp.resolve("photos"));
        for (String name : new String[] {"a1.jpg", "a2.jpg", "a3.jpg"}) Files.copy(TestData.image("dog_bicycle_car.jpg"), photos.resolve(name));
        Files.copy(TestData.image("empty_street.jpg"), photos.resolve("b1.jpg"));
        Files.copy(TestData.image("dog_bicycle_car.jpg"), photos.resolve("c1.jpg"));
        Run run = replay(photos, false, true, 100, 6);
        assertEquals(List.of("a1.jpg", "b1.jpg"), run.samples().stream().map(Sample::source).toList());
        assertEquals(3, count(run.meters(), "vigil.samples.suppressed", "camera", "door"));
    }
}
