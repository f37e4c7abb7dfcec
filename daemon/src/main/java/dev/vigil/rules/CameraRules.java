package dev.vigil.rules;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision rules of one camera; the keys of its errors are those of {@code cameras.NAME}.
 *
 * @param zones    if not empty, a detection counts only when its box's bottom centre is inside one of them
 * @param masks    areas ignored: a detection whose bottom centre is inside a mask never counts
 * @param cooldown after a group triggers, it stays quiet this long
 * @param tracking simple IoU tracking: an object that stays put (a parked car, a sleeping cat) triggers once
 * @param trackIou IoU above which a detection is the same object as one of the previous frame
 */
public record CameraRules(Map<String, GroupRule> groups, List<Polygon> zones, List<Polygon> masks, Confirm confirm,
                          Duration cooldown, boolean tracking, float trackIou) {

    public CameraRules {
        if (groups == null || groups.isEmpty()) throw ConfigException.at("groups", "is empty; give at least one group name to {labels: [...], min_score}, e.g. person: {labels: [person]}");
        zones = zones == null ? List.of() : List.copyOf(zones);
        masks = masks == null ? List.of() : List.copyOf(masks);
        confirm = confirm == null ? Confirm.ONE_OF_ONE : confirm;
        cooldown = cooldown == null ? Duration.ZERO : cooldown;
        unique("zones", "zone", zones);
        unique("masks", "mask", masks);
        Check.seconds("cooldown_s", cooldown, 0);
        Check.within("track_iou", trackIou, 0, 1);
        if (trackIou == 0) throw ConfigException.at("track_iou", "0 must be above 0 (every box would be the same object)");
    }

    /** The analyzer keeps every detection at or above the lowest group threshold; each group then applies its own. */
    public float analyzerMinScore() {
        float min = 1f;
        for (GroupRule g : groups.values()) min = Math.min(min, g.minScore());
        return min;
    }

    /**
     * The groups a frame's detections belong to by label, score and box area (zones, confirmation and tracking left
     * out): what two detectors must agree on for a hot swap to keep this camera's behaviour.
     */
    public java.util.SortedSet<String> groupsPresent(List<dev.vigil.postprocess.Detection> detections) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (GroupRule g : groups.values()) {
            for (var d : detections) {
                if (g.labels().contains(d.label()) && d.score() >= g.minScore() && d.area() >= g.minArea() && d.area() <= g.maxArea()
                        && g.subLabelMatches(d)) {
                    out.add(g.name());
                    break;
                }
            }
        }
        return out;
    }

    private static void unique(String key, String kind, List<Polygon> polygons) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < polygons.size(); i++) {
            if (!names.add(polygons.get(i).name())) {
                throw ConfigException.at(key + "[" + i + "].name", "\"" + polygons.get(i).name() + "\" is used twice; give each " + kind + " its own name");
            }
        }
    }
}
