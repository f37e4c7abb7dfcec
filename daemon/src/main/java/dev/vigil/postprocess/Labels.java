package dev.vigil.postprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Class labels of a model: the model's class index to a name.
 *
 * <p>A label file is read in one of two formats, decided for the whole file:
 * <ul>
 *   <li><b>pairs</b>, when every non-blank line is {@code id label}, {@code id   label} or {@code id:label}:
 *       the id is the key; ids may have gaps and come in any order;</li>
 *   <li><b>plain</b> otherwise: one label per line, the line number (from 0) is the key; a blank line keeps its
 *       key without a name; blank lines at the end are dropped.</li>
 * </ul>
 *
 * <p><b>The rule for the model's index:</b> class index {@code i} names key {@code i + offset}. The offset is an
 * explicit decision of whoever pairs the file with a model, never a guess from the file: with offset 0 (the
 * default) a leading {@code background} or {@code ???} line stays key 0, which is right when the model emits
 * index 0 for it. That holds for the three files vigil ships with:
 * <ul>
 *   <li>{@code imagenet_labels.txt}: line 0 {@code background}; the classifier's output {@code i} is line {@code i};</li>
 *   <li>{@code oidv4_labelmap.txt}: line 0 {@code ???}; the raw SSD's score column {@code i} is line {@code i};</li>
 *   <li>{@code coco_labels.txt}: no such line; the detector's class {@code k} is line {@code k} (0 = person).</li>
 * </ul>
 * Offset 1 is for a file with a background line the model does not count, e.g. a COCO labelmap starting with
 * {@code ???} paired with the TFLite_Detection_PostProcess op, whose class 0 is person: index 0 then names line 1.
 * {@link #hasBackgroundLine()} tells whether the file starts with such a line, so a configuration check can
 * point at a likely mismatch.
 */
public final class Labels {

    private static final Pattern PAIR = Pattern.compile("\\s*(\\d{1,7})(?:\\s*:\\s*|\\s+)(\\S.*?)\\s*");
    /** Ids beyond this are a damaged or foreign file rather than a label map. */
    private static final int MAX_ID = 1_000_000;

    private final String[] byKey;
    private final int offset;
    /** Where the labels came from (a file, a model's metadata), for messages; null when given in code. */
    private final String source;

    private Labels(String[] byKey, int offset, String source) {
        this.byKey = byKey;
        this.offset = offset;
        this.source = source;
    }

    /** Reads a label file with offset 0 (see the class comment). */
    public static Labels read(Path file) { return read(file, 0); }

    /**
     * Reads a label file; model index {@code i} names key {@code i + offset}. Errors are one line naming the file,
     * e.g. {@code models/x.txt: cannot read label file (NoSuchFileException); check the labels path}.
     */
    public static Labels read(Path file, int offset) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read label file (" + e.getClass().getSimpleName()
                    + "); check the labels path", e);
        }
        try {
            return parse(lines, offset).from(file.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses label lines (e.g. those {@code ModelMetadata.labels()} gives); see the class comment. */
    public static Labels parse(List<String> lines, int offset) {
        if (offset < 0) throw new IllegalArgumentException("label offset " + offset + " must be 0 or more");
        List<String> clean = new ArrayList<>(lines.size());
        for (String line : lines) clean.add(line.replace("\uFEFF", "").strip());
        while (!clean.isEmpty() && clean.getLast().isEmpty()) clean.removeLast();
        String[] pairs = pairs(clean);
        if (pairs != null) return new Labels(pairs, offset, null);
        String[] plain = new String[clean.size()];
        for (int k = 0; k < plain.length; k++) plain[k] = clean.get(k).isEmpty() ? null : clean.get(k);
        return new Labels(plain, offset, null);
    }

    /** Labels given in order, key = position, offset 0. */
    public static Labels of(String... labels) { return parse(Arrays.asList(labels), 0); }

    /** The keys of an id-label file, or null when some non-blank line is not a pair (a plain file). */
    private static String[] pairs(List<String> lines) {
        int max = -1;
        List<Matcher> matches = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.isEmpty()) continue;
            Matcher m = PAIR.matcher(line);
            if (!m.matches()) return null;
            matches.add(m);
        }
        if (matches.isEmpty()) return null;
        for (Matcher m : matches) {
            int id = Integer.parseInt(m.group(1));
            if (id > MAX_ID) throw new IllegalArgumentException("label id " + id + " is larger than " + MAX_ID + "; is this a label file?");
            max = Math.max(max, id);
        }
        String[] byKey = new String[max + 1];
        int[] lineOfKey = new int[max + 1];
        int lineNo = 0;
        int matchNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isEmpty()) continue;
            Matcher m = matches.get(matchNo++);
            int id = Integer.parseInt(m.group(1));
            if (byKey[id] != null) {
                throw new IllegalArgumentException("line " + lineNo + ": id " + id + " already named on line " + lineOfKey[id]
                        + "; give each id one label");
            }
            byKey[id] = m.group(2);
            lineOfKey[id] = lineNo;
        }
        return byKey;
    }

    /** The same labels with another offset. */
    public Labels withOffset(int offset) {
        if (offset < 0) throw new IllegalArgumentException("label offset " + offset + " must be 0 or more");
        return new Labels(byKey, offset, source);
    }

    /** The same labels, saying where they came from (a file, {@code x.tflite metadata}) in messages. */
    public Labels from(String source) { return new Labels(byKey, offset, source); }

    /** Where the labels came from, when known. */
    public Optional<String> source() { return Optional.ofNullable(source); }

    public int offset() { return offset; }

    /** How many model indices the file covers: the largest key, plus one, less the offset. */
    public int size() { return Math.max(0, byKey.length - offset); }

    /** The label of model class {@code index}, when the file names it. */
    public Optional<String> find(int index) {
        int key = index + offset;
        return index < 0 || key >= byKey.length || byKey[key] == null ? Optional.empty() : Optional.of(byKey[key]);
    }

    /** The label of model class {@code index}, or {@code "class <index>"} when the file does not name it. */
    public String label(int index) {
        int key = index + offset;
        return index >= 0 && key < byKey.length && byKey[key] != null ? byKey[key] : "class " + index;
    }

    /** The model index of a label: an exact match first, then one ignoring case; empty when none. */
    public OptionalInt indexOf(String label) {
        for (int k = offset; k < byKey.length; k++) if (label.equals(byKey[k])) return OptionalInt.of(k - offset);
        for (int k = offset; k < byKey.length; k++) if (label.equalsIgnoreCase(byKey[k])) return OptionalInt.of(k - offset);
        return OptionalInt.empty();
    }

    /** Whether model class {@code index} is a background placeholder ({@code background} or {@code ???}). */
    public boolean isBackground(int index) {
        return find(index).map(Labels::backgroundName).orElse(false);
    }

    /** Whether the file's key 0 is a background placeholder, whatever the offset. */
    public boolean hasBackgroundLine() {
        return byKey.length > 0 && byKey[0] != null && backgroundName(byKey[0]);
    }

    private static boolean backgroundName(String s) {
        return s.equals("???") || s.toLowerCase(Locale.ROOT).equals("background");
    }

    @Override
    public String toString() {
        return size() + " labels" + (offset == 0 ? "" : " (offset " + offset + ")");
    }
}
