package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.GroupRule;

/**
 * One camera: where its frames come from, what it decides, and its motion gate.
 *
 * @param name        lowercase letters, digits, '_' and '-': it is a metric tag and part of file names
 * @param enabled     a disabled camera is kept in the config but not opened
 * @param secondStage the classifier that names the detector's boxes, or null
 */
public record CameraConfig(String name, boolean enabled, SourceSpec source, CameraRules rules, MotionConfig motion,
                           SecondStageConfig secondStage) {

    public CameraConfig {
        Check.name("", name, "a camera", "it becomes a metric tag and a file name");
        // A group asking for a sub-label no crop of its labels gets could never fire: refused here, not found out later.
        for (GroupRule g : rules.groups().values()) {
            if (g.subLabels().isEmpty()) continue;
            String key = "groups." + g.name() + ".sub_labels";
            if (secondStage == null)
                throw ConfigException.at(key, "needs a second_stage on this camera (second_stage: {model: ..., labels: " + g.labels() + "})");
            for (String l : g.labels()) {
                if (!secondStage.labels().contains(l))
                    throw ConfigException.at(key, "label " + l + " of this group is not classified by the second stage; add it to second_stage.labels");
            }
        }
    }
}
