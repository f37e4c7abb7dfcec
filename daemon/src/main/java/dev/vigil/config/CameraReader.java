package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.Confirm;
import dev.vigil.rules.GroupRule;
import dev.vigil.rules.Polygon;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads one entry of {@code cameras:} into a {@link CameraConfig}. */
final class CameraReader {

    static final List<String> KEYS = List.of("source", "groups", "zones", "masks", "confirm", "cooldown_s", "tracking",
            "track_iou", "motion", "enabled", "min_score", "second_stage");
    private static final List<String> GROUP_KEYS = List.of("labels", "min_score", "min_area", "max_area", "sub_labels", "sub_label_min_score");
    private static final List<String> SECOND_STAGE_KEYS = List.of("model", "labels", "margin", "max_per_frame", "min_score");
    private static final List<String> POLYGON_KEYS = List.of("name", "points");
    private static final List<String> CONFIRM_KEYS = List.of("frames", "of");
    private static final List<String> MOTION_KEYS = List.of("enabled", "threshold", "min_area", "scale_width");

    static final float DEFAULT_MIN_SCORE = 0.5f;

    private CameraReader() {}

    static CameraConfig read(String name, ConfigNode n) {
        n.mapping("camera settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
        boolean enabled = n.get("enabled").bool(true);
        float minScore = n.get("min_score").score(DEFAULT_MIN_SCORE);
        SourceSpec source = SourceReader.read(n.get("source"));
        Map<String, GroupRule> groups = groups(n.get("groups"), minScore);
        List<Polygon> zones = polygons(n.get("zones"), "zone");
        List<Polygon> masks = polygons(n.get("masks"), "mask");
        Confirm confirm = confirm(n.get("confirm"));
        Duration cooldown = n.get("cooldown_s").seconds(0);
        boolean tracking = n.get("tracking").bool(true);
        float trackIou = n.get("track_iou").floating(0.5);
        CameraRules rules = n.make(() -> new CameraRules(groups, zones, masks, confirm, cooldown, tracking, trackIou));
        MotionConfig motion = motion(n.get("motion"));
        SecondStageConfig second = secondStage(n.get("second_stage"));
        return n.make(() -> new CameraConfig(name, enabled, source, rules, motion, second));
    }

    /** A rule group name that some camera of {@code cameras} has (alarm groups and actions name them). */
    static String groupOfAnyCamera(ConfigNode g, Map<String, CameraConfig> cameras) {
        String name = g.requiredText("a rule group name, e.g. person").strip();
        if (cameras.values().stream().noneMatch(c -> c.rules().groups().containsKey(name))) {
            Set<String> all = new LinkedHashSet<>();
            cameras.values().forEach(c -> all.addAll(c.rules().groups().keySet()));
            throw g.fail(g.show() + " is not a group of any camera (" + String.join(", ", all) + ")");
        }
        return name;
    }

    private static Map<String, GroupRule> groups(ConfigNode n, float defaultMinScore) {
        String hint = "group name to {labels: [...], min_score}, e.g. person: {labels: [person]}";
        if (n.missing()) throw n.fail("missing; give at least one " + hint);
        Map<String, ConfigNode> entries = n.entries(hint);
        Map<String, GroupRule> out = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            String group = e.getKey();
            ConfigNode g = e.getValue();
            g.mapping("group settings (" + String.join(", ", GROUP_KEYS) + ")").allowOnly(GROUP_KEYS);
            ConfigNode labelsNode = g.get("labels");
            if (labelsNode.missing()) throw labelsNode.fail("missing; give the model's labels of this group, e.g. [cat, dog]");
            Set<String> labels = new LinkedHashSet<>();
            for (ConfigNode l : labelsNode.list("labels, e.g. [cat, dog]")) labels.add(l.requiredText("a label of the model").strip());
            float minScore = g.get("min_score").floating(defaultMinScore);
            float minArea = g.get("min_area").floating(0);
            float maxArea = g.get("max_area").floating(1);
            Set<String> subLabels = new LinkedHashSet<>();
            for (ConfigNode l : g.get("sub_labels").list("sub-labels, e.g. [golden retriever, beagle]"))
                subLabels.add(l.requiredText("a label of the second stage's classifier").strip());
            float subMin = g.get("sub_label_min_score").score(0);
            out.put(group, g.make(() -> new GroupRule(group, Collections.unmodifiableSet(labels), minScore, minArea, maxArea,
                    Collections.unmodifiableSet(subLabels), subMin)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<Polygon> polygons(ConfigNode n, String kind) {
        List<Polygon> out = new ArrayList<>();
        List<ConfigNode> items = n.list(kind + "s ({name, points: [[x, y], ...]} in 0..1 image coordinates)");
        for (int i = 0; i < items.size(); i++) {
            ConfigNode p = items.get(i).mapping(kind + " settings (name, points)").allowOnly(POLYGON_KEYS);
            String name = p.get("name").text(kind + (i + 1));
            ConfigNode pts = p.get("points");
            if (pts.missing()) throw pts.fail("missing; give at least 3 points [[x, y], ...] in 0..1 image coordinates");
            List<ConfigNode> points = pts.list("points [[x, y], ...]");
            float[] xs = new float[points.size()], ys = new float[points.size()];
            for (int k = 0; k < points.size(); k++) {
                ConfigNode pt = points.get(k);
                List<ConfigNode> xy = pt.isList() ? pt.list("coordinates") : List.of();
                if (xy.size() != 2 || xy.get(0).missing() || xy.get(1).missing()) {
                    throw pt.fail("expected a point [x, y], got " + pt.show());
                }
                xs[k] = xy.get(0).floating(0);
                ys[k] = xy.get(1).floating(0);
            }
            out.add(p.make(() -> new Polygon(name, xs, ys)));
        }
        return List.copyOf(out);
    }

    private static Confirm confirm(ConfigNode n) {
        if (!n.missing()) n.mapping("frames and of, e.g. {frames: 2, of: 3}").allowOnly(CONFIRM_KEYS);
        int frames = n.get("frames").integer(1);
        int of = n.get("of").integer(Math.max(1, frames));
        return n.make(() -> new Confirm(frames, of));
    }

    /** Null when the key is absent: no second stage. */
    private static SecondStageConfig secondStage(ConfigNode n) {
        if (n.missing()) return null;
        n.mapping("second stage settings (" + String.join(", ", SECOND_STAGE_KEYS) + ")").allowOnly(SECOND_STAGE_KEYS);
        String model = n.get("model").requiredText("a classifier's name, e.g. mobilenet_v2_quant").strip();
        ConfigNode labelsNode = n.get("labels");
        if (labelsNode.missing()) throw labelsNode.fail("missing; give the detector's labels whose boxes are classified, e.g. [bird, dog]");
        Set<String> labels = new LinkedHashSet<>();
        for (ConfigNode l : labelsNode.list("labels, e.g. [bird, dog]")) labels.add(l.requiredText("a label of the detector").strip());
        float margin = n.get("margin").floating(SecondStageConfig.DEFAULT_MARGIN);
        int max = n.get("max_per_frame").integer(SecondStageConfig.DEFAULT_MAX_PER_FRAME);
        float minScore = n.get("min_score").floating(SecondStageConfig.DEFAULT_MIN_SCORE);
        return n.make(() -> new SecondStageConfig(model, labels, margin, max, minScore));
    }

    private static MotionConfig motion(ConfigNode n) {
        if (!n.missing()) n.mapping("motion settings (" + String.join(", ", MOTION_KEYS) + ")").allowOnly(MOTION_KEYS);
        MotionConfig d = MotionConfig.OFF;
        boolean enabled = n.get("enabled").bool(false);
        int threshold = n.get("threshold").integer(d.threshold());
        float minArea = n.get("min_area").floating(d.minArea());
        int scaleWidth = n.get("scale_width").integer(d.scaleWidth());
        return n.make(() -> new MotionConfig(enabled, threshold, minArea, scaleWidth));
    }
}
