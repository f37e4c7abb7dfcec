package dev.vigil.drift;

import dev.vigil.config.DriftConfig;
import dev.vigil.config.Secrets;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.rules.GroupRule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Drift without labels, per camera, rule group and model, taken from the result bus on a thread of its own (the frame
 * path never waits for it):
 * <ul>
 * <li>{@code vigil_score} (camera, group, model): for each analysed frame that holds one of the group's labels at or
 *     above the group's min_score, the best such score (a detector's detections, a classifier's top-k), in fixed buckets
 *     0.05 wide: {@code vigil_score_bucket{camera,group,model,le}}.</li>
 * <li>{@code vigil.score.uncertain} (camera, group, model): those frames whose best score lies in the group's uncertain
 *     band, {@code [min_score, min_score + drift.uncertain_margin)}; over the frames analysed
 *     ({@code vigil_inference_seconds_count}) it is the uncertain share.</li>
 * <li>{@code vigil.labels} (camera, label, model): every detection a detector reports, or a classifier's best class
 *     of each frame; {@code increase(vigil_labels_total[1h])} is the count per hour.</li>
 * </ul>
 * and the same numbers per local day in the {@link DailySummary}'s lines. Scores are taken to the millionth (a float
 * holds about seven digits), so a score of 0.15 falls in the bucket {@code le="0.15"} and not, as the float 0.15f
 * (0.15000000596) would, in the next.
 *
 * <p>The score histogram is the Prometheus client's own, registered in the Micrometer registry's Prometheus registry
 * (so one scrape has it): a Micrometer distribution summary rounds each value up to a whole number before it picks the
 * bucket, which puts every score into {@code le="1.0"} (micrometer-metrics/micrometer#3680).
 */
public final class DriftMeters implements FrameConsumer {

    /** 0.05, 0.10, ... 1.00: k / 20.0 is the double nearest each decimal, so the bucket bounds print as written. */
    static final double[] SCORE_BUCKETS = buckets();

    private final MeterRegistry registry;
    private final Histogram scores;
    private final Map<String, Camera> cameras = new HashMap<>();
    private final DailySummary summary;

    /**
     * @param groups  each camera's rule groups, in config order
     * @param model   the model loaded at start: its series exist (at 0) before the first frame
     * @param summary told of every analysed frame; null for none
     */
    public DriftMeters(PrometheusMeterRegistry registry, Map<String, List<GroupRule>> groups, DriftConfig config, String model,
                       DailySummary summary) {
        this.registry = registry;
        this.summary = summary;
        this.scores = Histogram.builder().name("vigil_score").labelNames("camera", "group", "model").classicOnly()
                .classicUpperBounds(SCORE_BUCKETS).withoutExemplars()
                .help("Best score of a rule group's labels in each analysed frame holding one at or above the group's min_score")
                .register(registry.getPrometheusRegistry());
        long margin = Math.round(config.uncertainMargin() * 1e6);
        groups.forEach((camera, gs) -> {
            Camera c = new Camera(camera, gs.toArray(GroupRule[]::new), margin);
            c.series(registry, scores, model);
            cameras.put(camera, c);
        });
    }

    @Override
    public String name() { return "drift"; }

    /** Drift is read per hour and per day: a quarter of a second late costs nothing, a wake-up per frame does. */
    @Override
    public Duration maxDelay() { return Duration.ofMillis(250); }

    @Override
    public boolean wants(FrameOutcome outcome) { return outcome instanceof FrameResult; }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        if (!(o instanceof FrameResult r)) return;
        Camera c = cameras.get(r.camera());
        if (c == null) return;
        Series s = c.series(registry, scores, r.model().name());
        int labels = countedLabels(r);
        for (int i = 0; i < labels; i++) s.label(registry, countedLabel(r, i)).increment();
        boolean detector = r.kind() == Analyzer.Kind.DETECTOR;
        int n = detector ? r.detections().size() : r.top().size();
        for (int gi = 0; gi < c.groups.length; gi++) {
            GroupRule g = c.groups[gi];
            long best = -1;
            for (int i = 0; i < n; i++) {
                String label = detector ? r.detections().get(i).label() : r.top().get(i).label();
                float score = detector ? r.detections().get(i).score() : r.top().get(i).score();
                // The rule engine's score test (a float against the float threshold). Area, zones and masks are left out:
                // drift is about what the model sees, not where an object stands.
                if (score >= g.minScore() && g.labels().contains(label)) best = Math.max(best, micros(score));
            }
            c.top[gi] = best;
            c.uncertain[gi] = best >= 0 && best < c.uncertainBelow[gi];
            if (best < 0) continue;
            s.scores[gi].observe(best / 1e6);
            if (c.uncertain[gi]) s.uncertain[gi].increment();
        }
        if (summary != null) summary.frame(r.camera(), r.model().name(), r.frameTime(), c.top, c.uncertain, r);
    }

    /** Writes the day so far. */
    @Override
    public void close() {
        if (summary != null) summary.close();
    }

    /** How many labels of this frame are counted: each detection of a detector, the best class of a classifier. */
    static int countedLabels(FrameResult r) {
        return r.kind() == Analyzer.Kind.DETECTOR ? r.detections().size() : Math.min(1, r.top().size());
    }

    static String countedLabel(FrameResult r, int i) {
        return r.kind() == Analyzer.Kind.DETECTOR ? r.detections().get(i).label() : r.top().get(i).label();
    }

    /** A score in millionths. */
    static long micros(double score) { return Math.round(score * 1e6); }

    private static double[] buckets() {
        double[] b = new double[20];
        for (int k = 1; k <= 20; k++) b[k - 1] = k / 20.0;
        return b;
    }

    /** One camera's groups and the series of each model it has run. On the consumer's thread only. */
    private static final class Camera {
        final String name;
        final GroupRule[] groups;
        final long[] uncertainBelow;
        final long[] top;
        final boolean[] uncertain;
        final Map<String, Series> models = new LinkedHashMap<>();
        Series last;

        Camera(String name, GroupRule[] groups, long margin) {
            this.name = name;
            this.groups = groups;
            this.uncertainBelow = new long[groups.length];
            for (int i = 0; i < groups.length; i++) uncertainBelow[i] = micros(groups[i].minScore()) + margin;
            this.top = new long[groups.length];
            this.uncertain = new boolean[groups.length];
        }

        Series series(MeterRegistry registry, Histogram scores, String model) {
            if (last != null && last.model.equals(model)) return last;
            last = models.computeIfAbsent(model, m -> new Series(registry, scores, name, groups, m));
            return last;
        }
    }

    /** The meters of one camera and model. */
    private static final class Series {
        final String camera, model;
        final DistributionDataPoint[] scores;
        final Counter[] uncertain;
        final Map<String, Counter> labels = new HashMap<>();

        Series(MeterRegistry registry, Histogram histogram, String camera, GroupRule[] groups, String model) {
            this.camera = camera;
            this.model = model;
            scores = new DistributionDataPoint[groups.length];
            uncertain = new Counter[groups.length];
            for (int i = 0; i < groups.length; i++) {
                String g = groups[i].name();
                // Micrometer's secret filter does not see this one: a model named by ${VAR} is masked here.
                scores[i] = histogram.labelValues(Secrets.redact(camera), g, Secrets.redact(model));
                uncertain[i] = Counter.builder("vigil.score.uncertain")
                        .description("Frames whose best score of the group lies within drift.uncertain_margin above its min_score")
                        .tags("camera", camera, "group", g, "model", model).register(registry);
            }
        }

        Counter label(MeterRegistry registry, String label) {
            Counter c = labels.get(label);
            if (c == null) {
                c = Counter.builder("vigil.labels").description("Labels the model reported: each detection, or a classifier's best class of a frame")
                        .tags("camera", camera, "label", label, "model", model).register(registry);
                labels.put(label, c);
            }
            return c;
        }
    }
}
