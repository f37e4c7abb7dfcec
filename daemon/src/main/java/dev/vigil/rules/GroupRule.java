package dev.vigil.rules;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
import java.util.Set;

/**
 * A rule group, e.g. {@code person: [person]} or {@code animal: [cat, dog, ...]}: a detection belongs to it when its
 * label is in {@code labels}, its score is at least {@code minScore} and its box area (fraction of the frame) lies within
 * [minArea, maxArea]. Checked here, once, for the config and for code: a {@link ConfigException} names the key.
 */
public record GroupRule(String name, Set<String> labels, float minScore, float minArea, float maxArea) {

    public GroupRule {
        Check.name("", name, "a group", "it becomes a metric tag");
        if (labels == null || labels.isEmpty()) throw ConfigException.at("labels", "is empty; give the model's labels of this group, e.g. [cat, dog]");
        Check.score("min_score", minScore);
        Check.within("min_area", minArea, 0, 1);
        Check.within("max_area", maxArea, 0, 1);
        if (minArea > maxArea) {
            throw ConfigException.at("min_area", Check.show(minArea) + " is above max_area (" + Check.show(maxArea) + ")");
        }
    }
}
