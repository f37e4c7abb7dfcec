package dev.vigil.drift;

import static dev.vigil.drift.Frames.classified;
import static dev.vigil.drift.Frames.detected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.DriftConfig;
import dev.vigil.metrics.Promtool;
import dev.vigil.pipeline.FrameOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Known scores in, exact buckets, uncertain counts and label counts out, under their Prometheus names. */
class DriftMetersTest {

    static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        if (!m.find()) throw new AssertionError("no series " + series + " in the exposition:\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    static String bucket(String group, String model, String le) {
        return "vigil_score_bucket{camera=\"door\",group=\"" + group + "\",model=\"" + model + "\",le=\"" + le + "\"}";
    }

    @Test
    void detectorScoresFallIntoTheirBucketsAndTheBandCountsTheNearMisses() throws Exception {
        DriftMeters drift = new DriftMeters(registry, Frames.DOOR, DriftConfig.DEFAULT, "ssd", null);
        String before = registry.scrape();
        assertEquals(0, value(before, "vigil_score_count{camera=\"door\",group=\"person\",model=\"ssd\"}"), "series exist before the first frame");
        assertEquals(0, value(before, "vigil_score_uncertain_total{camera=\"door\",group=\"animal\",model=\"ssd\"}"));

        drift.accept(detected("ssd", T, "person", 0.55, "person", 0.9, "cat", 0.45), null); // person 0.9, animal 0.45 (uncertain)
        drift.accept(detected("ssd", T, "person", 0.52), null);                              // person 0.52 (uncertain)
        drift.accept(detected("ssd", T, "dog", 0.35), null);                                 // below animal's 0.4: a label, no score
        drift.accept(detected("ssd", T, "person", 0.6, "cat", 0.4), null);                   // both on a band's edge: 0.6 out, 0.4 in
        drift.accept(detected("ssd", T), null);
        drift.accept(detected("ssd", T, "person", 0.15, "bird", 0.7), null);                 // person below min_score; bird in no group
        drift.accept(detected("ssd_v2", T, "person", 0.7), null);                            // a new model: series of its own
        drift.accept(new FrameOutcome.Skipped("door", 99, 0, 0, "motion"), null);

        String text = registry.scrape();
        // person with ssd: 0.52, 0.6, 0.9 (a float 0.6f is 0.6000000238: taken to the millionth it is 0.6, in le="0.6")
        for (String le : List.of("0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5"))
            assertEquals(0, value(text, bucket("person", "ssd", le)), le);
        assertEquals(1, value(text, bucket("person", "ssd", "0.55")));
        for (String le : List.of("0.6", "0.65", "0.7", "0.75", "0.8", "0.85")) assertEquals(2, value(text, bucket("person", "ssd", le)), le);
        for (String le : List.of("0.9", "0.95", "1.0", "+Inf")) assertEquals(3, value(text, bucket("person", "ssd", le)), le);
        assertEquals(3, value(text, "vigil_score_count{camera=\"door\",group=\"person\",model=\"ssd\"}"));
        assertEquals(2.02, value(text, "vigil_score_sum{camera=\"door\",group=\"person\",model=\"ssd\"}"), 1e-9);
        // animal with ssd: 0.45 and 0.4
        assertEquals(0, value(text, bucket("animal", "ssd", "0.35")));
        assertEquals(1, value(text, bucket("animal", "ssd", "0.4")));
        assertEquals(2, value(text, bucket("animal", "ssd", "0.45")));
        assertEquals(2, value(text, bucket("animal", "ssd", "+Inf")));
        // uncertain: person [0.5, 0.6) holds 0.52 only; animal [0.4, 0.5) holds 0.45 and 0.4
        assertEquals(1, value(text, "vigil_score_uncertain_total{camera=\"door\",group=\"person\",model=\"ssd\"}"));
        assertEquals(2, value(text, "vigil_score_uncertain_total{camera=\"door\",group=\"animal\",model=\"ssd\"}"));
        // every detection's label, in a group or not, above a threshold or not
        assertEquals(5, value(text, "vigil_labels_total{camera=\"door\",label=\"person\",model=\"ssd\"}"));
        assertEquals(2, value(text, "vigil_labels_total{camera=\"door\",label=\"cat\",model=\"ssd\"}"));
        assertEquals(1, value(text, "vigil_labels_total{camera=\"door\",label=\"dog\",model=\"ssd\"}"));
        assertEquals(1, value(text, "vigil_labels_total{camera=\"door\",label=\"bird\",model=\"ssd\"}"));
        // the second model
        assertEquals(1, value(text, bucket("person", "ssd_v2", "0.7")));
        assertEquals(0, value(text, bucket("person", "ssd_v2", "0.65")));
        assertEquals(0, value(text, "vigil_score_uncertain_total{camera=\"door\",group=\"person\",model=\"ssd_v2\"}"));
        assertEquals(1, value(text, "vigil_labels_total{camera=\"door\",label=\"person\",model=\"ssd_v2\"}"));
        assertEquals(0, value(text, "vigil_score_count{camera=\"door\",group=\"animal\",model=\"ssd_v2\"}"));
        assertEquals("", Promtool.check(text), "promtool check metrics");
    }

    @Test
    void aClassifierCountsItsBestClassAndScoresEachGroupFromItsTopK() {
        Map<String, List<dev.vigil.rules.GroupRule>> groups = Map.of("belt",
                List.of(Frames.group("ok", 0.5f, "ok"), Frames.group("ng", 0.1f, "ng", "scratch")));
        DriftMeters drift = new DriftMeters(registry, groups, new DriftConfig(0.1), "mobilenet", null);
        drift.accept(classified("belt", "mobilenet", T, "ok", 0.7, "ng", 0.2), null);      // ng 0.2: just outside [0.1, 0.2)
        drift.accept(classified("belt", "mobilenet", T, "scratch", 0.15, "ok", 0.05), null); // ng 0.15 uncertain; ok below 0.5
        drift.accept(classified("other", "mobilenet", T, "ok", 0.9), null);                 // a camera without groups: ignored
        String text = registry.scrape();
        String ok = "camera=\"belt\",group=\"ok\",model=\"mobilenet\"", ng = "camera=\"belt\",group=\"ng\",model=\"mobilenet\"";
        assertEquals(1, value(text, "vigil_score_count{" + ok + "}"));
        assertEquals(0.7, value(text, "vigil_score_sum{" + ok + "}"), 1e-9);
        assertEquals(2, value(text, "vigil_score_count{" + ng + "}"));
        assertEquals(1, value(text, "vigil_score_bucket{" + ng + ",le=\"0.15\"}"));
        assertEquals(2, value(text, "vigil_score_bucket{" + ng + ",le=\"0.2\"}"));
        assertEquals(1, value(text, "vigil_score_uncertain_total{" + ng + "}"));
        assertEquals(0, value(text, "vigil_score_uncertain_total{" + ok + "}"));
        assertEquals(1, value(text, "vigil_labels_total{camera=\"belt\",label=\"ok\",model=\"mobilenet\"}"));
        assertEquals(1, value(text, "vigil_labels_total{camera=\"belt\",label=\"scratch\",model=\"mobilenet\"}"));
        assertFalse(text.contains("label=\"ng\""), "only the best class of a frame is a label counted:\n" + text);
        assertFalse(text.contains("camera=\"other\""), text);
    }

    @Test
    void aZeroMarginCountsNoFrameUncertain() {
        DriftMeters drift = new DriftMeters(registry, Frames.DOOR, new DriftConfig(0), "ssd", null);
        drift.accept(detected("ssd", T, "person", 0.5, "cat", 0.4), null);
        String text = registry.scrape();
        assertEquals(1, value(text, "vigil_score_count{camera=\"door\",group=\"person\",model=\"ssd\"}"));
        assertEquals(0, value(text, "vigil_score_uncertain_total{camera=\"door\",group=\"person\",model=\"ssd\"}"));
        assertEquals(0, value(text, "vigil_score_uncertain_total{camera=\"door\",group=\"animal\",model=\"ssd\"}"));
    }

    @Test
    void theBusHandsItOnlyAnalysedFrames() {
        DriftMeters drift = new DriftMeters(registry, Frames.DOOR, DriftConfig.DEFAULT, "ssd", null);
        assertTrue(drift.wants(detected("ssd", T)));
        assertFalse(drift.wants(new FrameOutcome.Failed("door", 1, 0, 0, "inference", "boom")));
        assertFalse(drift.wantsPixels(detected("ssd", T)));
    }
}
