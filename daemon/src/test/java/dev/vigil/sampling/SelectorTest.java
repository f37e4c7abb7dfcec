package dev.vigil.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ConfigException;
import dev.vigil.config.SamplingConfig;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.qc.QcRules;
import dev.vigil.rules.GroupRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which strategies a frame meets: flicker, QC, novelty, random; and the config's errors name the key. */
class SelectorTest {

    static final List<GroupRule> PERSON = List.of(new GroupRule("person", Set.of("person"), 0.5f, 0f, 1f));
    long sequence;

    static SamplingConfig.Strategies strategies(String yaml) {
        return ConfigLoader.parse("""
                cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }
                sampling: { strategies: %s }
                """.formatted(yaml), Path.of("/tmp"), Map.of()).sampling().strategies();
    }

    FrameResult detected(Object... labelsAndScores) {
        List<Detection> ds = new ArrayList<>();
        for (int i = 0; i < labelsAndScores.length; i += 2) {
            ds.add(new Detection((String) labelsAndScores[i], i / 2, ((Number) labelsAndScores[i + 1]).floatValue(), new float[] {0, 0, 1, 1}));
        }
        return new FrameResult("door", ++sequence, Instant.EPOCH, "x", 0, new ModelId("m", "0".repeat(64), "cpu"), Analyzer.Kind.DETECTOR,
                ds, new ArrayList<>(), new ArrayList<>(), new StageTimings(0, 0, 0, 0, 0), 0);
    }

    FrameResult classified(Object... labelsAndScores) {
        List<Classification> top = new ArrayList<>();
        for (int i = 0; i < labelsAndScores.length; i += 2) {
            top.add(new Classification(i / 2, (String) labelsAndScores[i], ((Number) labelsAndScores[i + 1]).floatValue()));
        }
        return new FrameResult("qc", ++sequence, Instant.EPOCH, "x", 0, new ModelId("m", "0".repeat(64), "cpu"), Analyzer.Kind.CLASSIFIER,
                new ArrayList<>(), top, new ArrayList<>(), new StageTimings(0, 0, 0, 0, 0), 0);
    }

    @Test
    void aGroupSeenInFewerThanThreeOfTheLastFiveFramesFlickers() {
        Selector s = new Selector("door", PERSON, strategies("""
                { near_threshold: { enabled: false }, random: { enabled: false }, flicker: { frames: 3, of: 5 } }"""), null, false);
        List<List<String>> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) got.add(s.select(detected()));
        got.add(s.select(detected("person", 0.9f)));
        got.add(s.select(detected("person", 0.9f)));
        got.add(s.select(detected("person", 0.9f))); // the third of five: confirmed, no longer flicker
        got.add(s.select(detected("person", 0.3f))); // below min_score: not present
        List<String> none = List.of(), flicker = List.of("flicker");
        assertEquals(List.of(none, none, none, none, none, flicker, flicker, none, none), got);
    }

    @Test
    void anUncertainOrCloseQcPartIsSampled() {
        QcRules rules = new QcRules(Set.of("good"), Set.of("bad"), 0.6f, 0.6f);
        Selector s = new Selector("qc", List.of(new GroupRule("part", Set.of("good", "bad"), 0.6f, 0f, 1f)), strategies("""
                { near_threshold: { enabled: false }, random: { enabled: false }, flicker: { enabled: false }, qc: { margin: 0.1 } }"""), rules, false);
        assertEquals(List.of("qc"), s.select(classified("good", 0.5f, "bad", 0.4f)), "uncertain: neither reaches 0.6");
        assertEquals(List.of("qc"), s.select(classified("good", 0.81f, "bad", 0.75f)), "NG, but OK scored within 0.1");
        assertEquals(List.of(), s.select(classified("good", 0.95f, "bad", 0.05f)));
    }

    @Test
    void novelFramesMovedButTheModelSawNothingItKnows() {
        SamplingConfig.Strategies st = strategies("""
                { near_threshold: { enabled: false }, random: { enabled: false }, flicker: { enabled: false }, novelty: { enabled: true, max_score: 0.3 } }""");
        Selector gated = new Selector("door", PERSON, st, null, true);
        assertEquals(List.of("novelty"), gated.select(detected()));
        assertEquals(List.of("novelty"), gated.select(detected("cat", 0.25f)));
        assertEquals(List.of(), gated.select(detected("cat", 0.35f)));
        assertEquals(List.of(), new Selector("door", PERSON, st, null, false).select(detected()), "without a motion gate nothing says it moved");
    }

    @Test
    void theRandomShareKeepsAboutItsShareAndTheSameFramesEachTime() {
        int n = 0;
        for (long seq = 1; seq <= 10_000; seq++) if (Selector.picked("door", seq, 0.1)) n++;
        assertTrue(n > 900 && n < 1100, n + " of 10000 at a share of 0.1");
        for (long seq = 1; seq <= 100; seq++) assertEquals(Selector.picked("door", seq, 0.1), Selector.picked("door", seq, 0.1));
        for (long seq = 1; seq <= 100; seq++) assertTrue(Selector.picked("door", seq, 1.0));
    }

    @Test
    void errorsNameTheKey() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> strategies("{ random: { share: 2 } }"));
        assertEquals("sampling.strategies.random.share: 2 is not within 0..1", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }
                sampling: { cameras: { gate: { strategies: {} } } }
                """, Path.of("/tmp"), Map.of()));
        assertEquals("sampling.cameras.gate: is not a camera; give one of door", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> strategies("{ flicker: { frames: 4, of: 3 } }"));
        assertEquals("sampling.strategies.flicker.frames: 4 is above of (3)", e.getMessage());
    }
}
