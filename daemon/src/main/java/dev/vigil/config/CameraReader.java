package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.Confirm;
import dev.vigil.rules.GroupRule;
import dev.vigil.rules.Polygon;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one entry of {@code cameras:} into a {@link CameraConfig}. */
final class CameraReader {

    /** Camera, group, zone and mask names: they become metric tags, event fields and file names. */
    static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
    static final String NAME_RULE = "lowercase letters, digits, '_' and '-'";

    static final List<String> KEYS = List.of("source", "groups", "zones", "masks", "confirm", "cooldown_s", "tracking",
            "track_iou", "motion", "enabled", "min_score");
    private static final List<String> GROUP_KEYS = List.of("labels", "min_score", "min_area", "max_area");
    private static final List<String> POLYGON_KEYS = List.of("name", "points");
    private static final List<String> CONFIRM_KEYS = List.of("frames", "of");
    private static final List<String> MOTION_KEYS = List.of("enabled", "threshold", "min_area", "scale_width");

    static final float DEFAULT_MIN_SCORE = 0.5f;

    private CameraReader() {}

    static CameraConfig read(String name, ConfigNode n) {
        n.mapping("camera settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
        boolean enabled = n.get("enabled").bool(true);
        float minScore = n.get("min_score").fraction(DEFAULT_MIN_SCORE);
        SourceSpec source = SourceReader.read(n.get("source"));
        Map<String, GroupRule> groups = groups(n.get("groups"), minScore);
        List<Polygon> zones = polygons(n.get("zones"), "zone");
        List<Polygon> masks = polygons(n.get("masks"), "mask");
        Confirm confirm = confirm(n.get("confirm"));
        Duration cooldown = n.get("cooldown_s").seconds(0, 0);
        boolean tracking = n.get("tracking").bool(true);
        float trackIou = n.get("track_iou").fraction(0.5);
        if (trackIou == 0) throw n.get("track_iou").fail("0 must be above 0 (every box would be the same object)");
        CameraRules rules = new CameraRules(groups, zones, masks, confirm, cooldown, tracking, trackIou);
        return new CameraConfig(name, enabled, source, rules, motion(n.get("motion")));
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
        if (entries.isEmpty()) throw n.fail("is empty; give at least one " + hint);
        Map<String, GroupRule> out = new LinkedHashMap<>();
        for (var e : entries.entrySet()) {
            String group = e.getKey();
            ConfigNode g = e.getValue();
            if (!NAME.matcher(group).matches()) throw g.fail("a group name is " + NAME_RULE + " (it becomes a metric tag)");
            g.mapping("group settings (" + String.join(", ", GROUP_KEYS) + ")").allowOnly(GROUP_KEYS);
            ConfigNode labelsNode = g.get("labels");
            if (labelsNode.missing()) throw labelsNode.fail("missing; give the model's labels of this group, e.g. [cat, dog]");
            Set<String> labels = new LinkedHashSet<>();
            for (ConfigNode l : labelsNode.list("labels, e.g. [cat, dog]")) labels.add(l.requiredText("a label of the model").strip());
            if (labels.isEmpty()) throw labelsNode.fail("is empty; give the model's labels of this group, e.g. [cat, dog]");
            float minScore = g.get("min_score").fraction(defaultMinScore);
            float minArea = g.get("min_area").fraction(0);
            float maxArea = g.get("max_area").fraction(1);
            if (minArea > maxArea) {
                throw g.get("min_area").fail(g.get("min_area").show() + " is above max_area (" + g.get("max_area").show() + ")");
            }
            out.put(group, new GroupRule(group, Collections.unmodifiableSet(labels), minScore, minArea, maxArea));
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<Polygon> polygons(ConfigNode n, String kind) {
        List<Polygon> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<ConfigNode> items = n.list(kind + "s ({name, points: [[x, y], ...]} in 0..1 image coordinates)");
        for (int i = 0; i < items.size(); i++) {
            ConfigNode p = items.get(i).mapping(kind + " settings (name, points)").allowOnly(POLYGON_KEYS);
            ConfigNode nameNode = p.get("name");
            String name = nameNode.text(kind + (i + 1));
            if (!NAME.matcher(name).matches()) throw nameNode.fail(nameNode.show() + " is not a name of " + NAME_RULE);
            if (!names.add(name)) throw nameNode.fail(nameNode.show() + " is used twice; give each " + kind + " its own name");
            ConfigNode pts = p.get("points");
            if (pts.missing()) throw pts.fail("missing; give at least 3 points [[x, y], ...] in 0..1 image coordinates");
            List<ConfigNode> points = pts.list("points [[x, y], ...]");
            if (points.size() < 3) throw pts.fail(points.size() + " points; a polygon needs at least 3");
            float[] xs = new float[points.size()], ys = new float[points.size()];
            for (int k = 0; k < points.size(); k++) {
                ConfigNode pt = points.get(k);
                List<ConfigNode> xy = pt.isList() ? pt.list("coordinates") : List.of();
                if (xy.size() != 2 || xy.get(0).missing() || xy.get(1).missing()) {
                    throw pt.fail("expected a point [x, y], got " + pt.show());
                }
                xs[k] = xy.get(0).fraction(0);
                ys[k] = xy.get(1).fraction(0);
            }
            out.add(new Polygon(name, xs, ys));
        }
        return List.copyOf(out);
    }

    private static Confirm confirm(ConfigNode n) {
        if (n.missing()) return Confirm.ONE_OF_ONE;
        n.mapping("frames and of, e.g. {frames: 2, of: 3}").allowOnly(CONFIRM_KEYS);
        int frames = n.get("frames").integer(1, 1, 100);
        int of = n.get("of").integer(Math.max(1, frames), 1, 100);
        if (frames > of) throw n.get("frames").fail(frames + " is above of (" + of + "); a group needs at most all of the last frames");
        return new Confirm(frames, of);
    }

    private static MotionConfig motion(ConfigNode n) {
        if (n.missing()) return MotionConfig.OFF;
        n.mapping("motion settings (" + String.join(", ", MOTION_KEYS) + ")").allowOnly(MOTION_KEYS);
        MotionConfig d = MotionConfig.OFF;
        return new MotionConfig(n.get("enabled").bool(false), n.get("threshold").integer(d.threshold(), 1, 255),
                n.get("min_area").fraction(d.minArea()), n.get("scale_width").integer(d.scaleWidth(), 16, 4096));
    }
}
