package dev.vigil.drift;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.GroupRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Frame results with chosen scores, and the groups they are judged by. */
final class Frames {

    private Frames() {}

    /** door: person (min 0.5, uncertain below 0.6 with the default margin), animal: cat or dog (min 0.4, below 0.5). */
    static final Map<String, List<GroupRule>> DOOR = Map.of("door", List.of(group("person", 0.5f, "person"), group("animal", 0.4f, "cat", "dog")));

    static GroupRule group(String name, float minScore, String... labels) {
        return new GroupRule(name, new LinkedHashSet<>(List.of(labels)), minScore, 0f, 1f);
    }

    private static long sequence;

    /** A detector's frame: label, score, label, score, ... */
    static FrameResult detected(String model, Instant at, Object... labelsAndScores) {
        List<Detection> ds = new ArrayList<>();
        for (int i = 0; i < labelsAndScores.length; i += 2) {
            ds.add(new Detection((String) labelsAndScores[i], i / 2, ((Number) labelsAndScores[i + 1]).floatValue(), new float[] {0.1f, 0.1f, 0.5f, 0.9f}));
        }
        return new FrameResult("door", ++sequence, at, "test.jpg", 0, new ModelId(model, "0".repeat(64), "cpu"), Analyzer.Kind.DETECTOR,
                ds, new ArrayList<>(), new ArrayList<>(), new StageTimings(0, 0, 0, 0, 0), 0);
    }

    /** A classifier's frame: its top-k as label, score, ... best first. */
    static FrameResult classified(String camera, String model, Instant at, Object... labelsAndScores) {
        List<Classification> top = new ArrayList<>();
        for (int i = 0; i < labelsAndScores.length; i += 2) {
            top.add(new Classification(i / 2, (String) labelsAndScores[i], ((Number) labelsAndScores[i + 1]).floatValue()));
        }
        return new FrameResult(camera, ++sequence, at, "test.jpg", 0, new ModelId(model, "0".repeat(64), "cpu"), Analyzer.Kind.CLASSIFIER,
                new ArrayList<>(), top, new ArrayList<>(), new StageTimings(0, 0, 0, 0, 0), 0);
    }
}
