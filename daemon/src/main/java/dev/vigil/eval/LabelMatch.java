package dev.vigil.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Which of a model's labels a dataset's class name means. Names compare without case, with '_' and '-' as spaces;
 * a label may list synonyms separated by commas (ImageNet's "tabby, tabby cat"), any of which matches. A name may
 * match several labels (ImageNet has two "crane"s): any of them counts.
 */
public final class LabelMatch {

    private LabelMatch() {}

    static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ').replaceAll("\\s+", " ").strip();
    }

    /** For each name, the model's label indices it matches (empty when none). */
    static Map<String, int[]> match(List<String> names, IntFunction<String> label, int labelCount) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (String name : names) {
            String n = normalize(name);
            List<Integer> hits = new ArrayList<>();
            for (int i = 0; i < labelCount; i++) if (matches(n, label.apply(i))) hits.add(i);
            out.put(name, hits.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** Whether a name (as a dataset or a catalog writes it) means this label, or one of its synonyms. */
    public static boolean means(String name, String label) { return matches(normalize(name), label); }

    static boolean matches(String normalizedName, String label) {
        if (label == null) return false;
        if (normalize(label).equals(normalizedName)) return true;
        for (String syn : label.split(",")) if (normalize(syn).equals(normalizedName)) return true;
        return false;
    }

    /**
     * The warning for names no label matches, with up to three labels that contain the name as a word, e.g.
     * {@code class 'cat' is not among the model's 1001 labels (labels with that word: tiger cat, Egyptian cat, ...)}.
     */
    static List<String> unmatched(Map<String, int[]> matches, IntFunction<String> label, int labelCount, String what) {
        List<String> out = new ArrayList<>();
        for (var e : matches.entrySet()) {
            if (e.getValue().length > 0) continue;
            String n = normalize(e.getKey());
            List<String> near = new ArrayList<>();
            for (int i = 0; i < labelCount && near.size() < 3; i++) {
                String l = label.apply(i);
                if (l != null && (" " + normalize(l.replace(',', ' ')) + " ").contains(" " + n + " ")) near.add(l);
            }
            out.add(what + " '" + e.getKey() + "' is not among the model's " + labelCount + " labels"
                    + (near.isEmpty() ? "" : " (labels with that word: " + String.join("; ", near) + ")")
                    + "; rename it to a label to count it");
        }
        return out;
    }
}
