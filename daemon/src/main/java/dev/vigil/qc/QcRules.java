package dev.vigil.qc;

import java.util.List;
import java.util.Set;

/**
 * Maps what the model saw to a {@link Verdict}. A label matches a list entry when it is the entry, or when one of its
 * comma-separated names is (ImageNet's {@code hotdog, hot dog, red hot} matches {@code hotdog}).
 *
 * <ul>
 *   <li>NG when any candidate with an NG label reaches {@code ngMinScore} (a bad part wins over a good one);</li>
 *   <li>else OK when any candidate with an OK label reaches {@code okMinScore};</li>
 *   <li>else UNCERTAIN; with no OK list, a part that is not NG is OK; with no NG list, one that is not OK is NG.</li>
 * </ul>
 */
public record QcRules(Set<String> okLabels, Set<String> ngLabels, float okMinScore, float ngMinScore) {

    /** One thing the model saw: a class of the classifier's top-k, or a detection. */
    public record Candidate(String label, float score) {}

    /** A decision and the candidate that made it (null when none did). */
    public record Decision(Verdict verdict, Candidate by) {}

    public Decision decide(List<Candidate> candidates) {
        Candidate ng = best(candidates, ngLabels, ngMinScore);
        Candidate ok = best(candidates, okLabels, okMinScore);
        Candidate top = candidates.stream().max((a, b) -> Float.compare(a.score(), b.score())).orElse(null);
        if (ngLabels.isEmpty()) return ok != null ? new Decision(Verdict.OK, ok) : new Decision(Verdict.NG, top);
        if (ng != null) return new Decision(Verdict.NG, ng);
        if (okLabels.isEmpty()) return new Decision(Verdict.OK, top);
        if (ok != null) return new Decision(Verdict.OK, ok);
        return new Decision(Verdict.UNCERTAIN, top);
    }

    private static Candidate best(List<Candidate> candidates, Set<String> labels, float min) {
        Candidate best = null;
        for (Candidate c : candidates) {
            if (c.score() >= min && matches(c.label(), labels) && (best == null || c.score() > best.score())) best = c;
        }
        return best;
    }

    static boolean matches(String label, Set<String> entries) {
        if (label == null) return false;
        if (entries.contains(label)) return true;
        if (label.indexOf(',') < 0) return false;
        for (String name : label.split(",")) if (entries.contains(name.strip())) return true;
        return false;
    }

    /** Entries that match none of the model's labels (probably a typo): for one warning at start. */
    public List<String> unknown(List<String> modelLabels) {
        return java.util.stream.Stream.concat(okLabels.stream(), ngLabels.stream())
                .filter(e -> modelLabels.stream().noneMatch(l -> matches(l, Set.of(e)))).toList();
    }
}
