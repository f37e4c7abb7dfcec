package dev.vigil.rules;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
import dev.vigil.postprocess.Detection;
import java.util.Set;

/**
 * A rule group, e.g. {@code person: [person]} or {@code animal: [cat, dog, ...]}: a detection belongs to it when its
 * label is in {@code labels}, its score is at least {@code minScore} and its box area (fraction of the frame) lies within
 * [minArea, maxArea]; with {@code subLabels}, also when the second stage named its crop one of them with at least
 * {@code subLabelMinScore}. Checked here, once, for the config and for code: a {@link ConfigException} names the key.
 */
public record GroupRule(String name, Set<String> labels, float minScore, float minArea, float maxArea, Set<String> subLabels,
                        float subLabelMinScore) {

    public GroupRule(String name, Set<String> labels, float minScore, float minArea, float maxArea) {
        this(name, labels, minScore, minArea, maxArea, Set.of(), 0f);
    }

    public GroupRule {
        Check.name("", name, "a group", "it becomes a metric tag");
        if (labels == null || labels.isEmpty()) throw ConfigException.at("labels", "is empty; give the model's labels of this group, e.g. [cat, dog]");
        Check.score("min_score", minScore);
        Check.within("min_area", minArea, 0, 1);
        Check.within("max_area", maxArea, 0, 1);
        if (minArea > maxArea) {
            throw ConfigException.at("min_area", Check.show(minArea) + " is above max_area (" + Check.show(maxArea) + ")");
        }
        subLabels = subLabels == null ? Set.of() : Set.copyOf(subLabels);
        Check.score("sub_label_min_score", subLabelMinScore);
    }

    /**
     * True when the group asks for no sub-label, or the detection's sub-label is one it asks for, scored high enough. An
     * ImageNet-style label of several comma-separated names ("Maltese dog, Maltese terrier, Maltese") is matched by any
     * one of them, as QC labels are.
     */
    public boolean subLabelMatches(Detection d) {
        if (subLabels.isEmpty()) return true;
        if (d.sub() == null || d.sub().score() < subLabelMinScore) return false;
        String name = d.sub().name();
        if (subLabels.contains(name)) return true;
        if (name.indexOf(',') < 0) return false;
        for (String wanted : subLabels) if (hasPart(name, wanted)) return true;
        return false;
    }

    /** {@code wanted} is one of the comma-separated names of {@code name}, spaces around it ignored; allocates nothing. */
    static boolean hasPart(String name, String wanted) {
        int start = 0;
        while (start <= name.length()) {
            int end = name.indexOf(',', start);
            if (end < 0) end = name.length();
            int a = start, b = end;
            while (a < b && name.charAt(a) == ' ') a++;
            while (b > a && name.charAt(b - 1) == ' ') b--;
            if (b - a == wanted.length() && name.regionMatches(a, wanted, 0, wanted.length())) return true;
            start = end + 1;
        }
        return false;
    }
}
