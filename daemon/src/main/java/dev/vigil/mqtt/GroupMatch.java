package dev.vigil.mqtt;

import dev.vigil.postprocess.Detection;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.GroupRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many objects of each group a frame holds: label, score, box area and sub-label as the group's rule says. Zones and masks are
 * not applied: the count tells a visit that still goes on (the object moved off the doormat) from one that ended.
 */
final class GroupMatch {

    private GroupMatch() {}

    static Map<String, Integer> counts(CameraRules rules, List<Detection> detections) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (var e : rules.groups().entrySet()) {
            GroupRule g = e.getValue();
            int n = 0;
            for (Detection d : detections) {
                if (d.score() >= g.minScore() && g.labels().contains(d.label()) && d.area() >= g.minArea() && d.area() <= g.maxArea()
                        && g.subLabelMatches(d)) n++;
            }
            out.put(e.getKey(), n);
        }
        return out;
    }
}
