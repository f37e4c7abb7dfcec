package dev.vigil.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value of the YAML tree together with its key path ({@code cameras.door.source.fps}), so that every check can
 * say where it failed. Readers take a default for a missing key; a key written with no value ({@code fps:}) counts
 * as missing. Scalars given as text are parsed ({@code threads: "4"} and {@code threads: ${THREADS:-4}} both work).
 */
final class ConfigNode {

    /** What every node of one parse shares. */
    record Context(Path baseDir, Map<JsonNode, String> unsubstituted) {}

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhdw])", Pattern.CASE_INSENSITIVE);
    private static final int SHOW_MAX = 80;

    private final JsonNode node;
    private final String path;
    private final Context ctx;

    private ConfigNode(JsonNode node, String path, Context ctx) {
        this.node = node;
        this.path = path;
        this.ctx = ctx;
    }

    static ConfigNode root(JsonNode node, Context ctx) {
        return new ConfigNode(node, "", ctx);
    }

    String path() { return path; }

    Context context() { return ctx; }

    boolean missing() { return node == null || node.isNull() || node.isMissingNode(); }

    boolean isMapping() { return node != null && node.isObject(); }

    boolean isList() { return node != null && node.isArray(); }

    ConfigNode get(String key) {
        JsonNode child = isMapping() ? node.get(key) : null;
        return new ConfigNode(child, path.isEmpty() ? key : path + "." + key, ctx);
    }

    boolean has(String key) { return !get(key).missing(); }

    /**
     * Builds the record of this node: its constructor checks its components, and an error it names relative to
     * itself ({@link ConfigException#at}) gets this node's path in front.
     */
    <T> T make(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (ConfigException e) {
            throw e.under(path);
        }
    }

    /** An error at this key: {@code path: what}. */
    ConfigException fail(String what) {
        return new ConfigException((path.isEmpty() ? "config" : path) + ": " + what);
    }

    /** This node must be a mapping; {@code hint} names what it holds, for the error. */
    ConfigNode mapping(String hint) {
        if (!isMapping()) {
            throw missing() ? fail("missing; expected a mapping of " + hint) : fail("expected a mapping of " + hint + ", got " + show());
        }
        return this;
    }

    /** Every key must be one of {@code known}: a typo never silently falls back to a default. */
    ConfigNode allowOnly(Collection<String> known) {
        return allowOnly(known, "");
    }

    ConfigNode allowOnly(Collection<String> known, String forWhat) {
        return allowOnly(known, List.of(), forWhat);
    }

    /** As {@link #allowOnly(Collection)}, also accepting {@code moved} keys (read elsewhere), which the error does not offer. */
    ConfigNode allowOnly(Collection<String> known, Collection<String> moved) {
        return allowOnly(known, moved, "");
    }

    private ConfigNode allowOnly(Collection<String> known, Collection<String> moved, String forWhat) {
        if (!isMapping()) return this;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            if (!known.contains(key) && !moved.contains(key)) {
                throw get(key).fail("unknown key" + forWhat + "; expected one of " + String.join(", ", known));
            }
        }
        return this;
    }

    /** The keys and values of a mapping, in file order; empty when missing. */
    Map<String, ConfigNode> entries(String hint) {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (missing()) return out;
        mapping(hint);
        for (Map.Entry<String, JsonNode> e : node.properties()) out.put(e.getKey(), get(e.getKey()));
        return out;
    }

    /** The items of a list, each with its index in the path; empty when missing. */
    List<ConfigNode> list(String hint) {
        List<ConfigNode> out = new ArrayList<>();
        if (missing()) return out;
        if (!isList()) throw fail("expected a list of " + hint + ", got " + show());
        for (int i = 0; i < node.size(); i++) out.add(new ConfigNode(node.get(i), path + "[" + i + "]", ctx));
        return out;
    }

    // ---- scalars ----

    /** The value as text, or {@code def} when missing; a mapping or list is an error. */
    String text(String def) {
        if (missing()) return def;
        if (!node.isValueNode()) throw fail("expected text, got " + show());
        return node.asText();
    }

    /** Required, non-blank text; {@code hint} says what belongs here. */
    String requiredText(String hint) {
        String s = text(null);
        if (s == null) throw fail("missing; give " + hint);
        if (s.isBlank()) throw fail("is empty; give " + hint);
        return s;
    }

    /** A whole number; its range is the record's to check. */
    int integer(int def) {
        return integer(def, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** A whole number of milliseconds ({@code pulse_ms}); its range is the record's to check. */
    Duration millis(long def) {
        return Duration.ofMillis(missing() ? def : integer(0));
    }

    /** A number; its range is the record's to check. */
    double number(double def) {
        return number(def, -Double.MAX_VALUE, Double.MAX_VALUE);
    }

    /** A number held as a float (scores, areas, coordinates); its range is the record's to check. */
    float floating(double def) {
        return (float) number(def);
    }

    int integer(int def, int min, int max) {
        if (missing()) return def;
        long v;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            v = node.asLong();
        } else if (node.isIntegralNumber()) {
            throw fail(outOfRange(shown(), min, max));
        } else if (node.isNumber()) {
            throw fail(shown() + " is not a whole number");
        } else if (node.isTextual()) {
            try {
                v = Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                throw fail(show() + " is not a whole number");
            }
        } else {
            throw fail("expected a whole number, got " + show());
        }
        if (v < min || v > max) throw fail(outOfRange(shown(), min, max));
        return (int) v;
    }

    double number(double def, double min, double max) {
        if (missing()) return def;
        double v;
        if (node.isNumber()) {
            v = node.asDouble();
        } else if (node.isTextual()) {
            try {
                v = Double.parseDouble(node.asText().strip());
            } catch (NumberFormatException e) {
                throw fail(show() + " is not a number");
            }
        } else {
            throw fail("expected a number, got " + show());
        }
        if (!Double.isFinite(v)) throw fail(show() + " is not a number");
        if (v < min || v > max) throw fail(outOfRange(shown(), min, max));
        return v;
    }

    /** A score that only serves as the default of others ({@code cameras.NAME.min_score}): no record holds it. */
    float score(double def) {
        float v = floating(def);
        return make(() -> Check.score("", v));
    }

    boolean bool(boolean def) {
        if (missing()) return def;
        if (node.isBoolean()) return node.asBoolean();
        if (node.isTextual()) {
            String s = node.asText().strip().toLowerCase(Locale.ROOT);
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
        }
        throw fail(show() + " is not true or false");
    }

    /** One of {@code words} (case-insensitive), as written in {@code words}. */
    String oneOf(String def, List<String> words) {
        String s = text(null);
        if (s == null) return def;
        for (String w : words) if (w.equalsIgnoreCase(s.strip())) return w;
        throw fail(show() + " is not one of " + String.join(", ", words));
    }

    /** A constant of {@code type} written in lowercase; {@code def} null makes it required. */
    <E extends Enum<E>> E word(E def, Class<E> type) {
        List<String> words = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        String w = oneOf(def == null ? null : def.name().toLowerCase(Locale.ROOT), words);
        if (w == null) throw fail("missing; give one of " + String.join(", ", words));
        return Enum.valueOf(type, w.toUpperCase(Locale.ROOT));
    }

    /** Seconds given as a number, e.g. {@code cooldown_s: 30} or {@code 0.5}; the range is the record's to check. */
    Duration seconds(double def) {
        double s = number(def, -1e9, 1e9);
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** A path; relative ones are resolved against the config file's folder, {@code ~/} against the home folder. */
    Path path(Path def) {
        String s = text(null);
        if (s == null) return def;
        if (s.isBlank()) throw fail("is empty; give a path");
        Path p;
        try {
            p = s.equals("~") || s.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(s.equals("~") ? "" : s.substring(2))
                    : Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw fail(show() + " is not a valid path (" + e.getReason() + ")");
        }
        return ctx.baseDir().resolve(p).normalize();
    }

    /**
     * A byte count: a whole number, or a number with a unit, e.g. {@code 500MB} (1 KB = 1024 bytes, as Spring's
     * DataSize); how small it may be is the record's to check.
     */
    long bytes(long def) {
        if (missing()) return def;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) throw fail(shown() + " is too large");
            return node.asLong();
        }
        Matcher m = node.isTextual() ? SIZE.matcher(node.asText().strip()) : null;
        if (m == null || !m.matches()) {
            throw fail(show() + " is not a size like 500MB (units B, KB, MB, GB, TB; 1 KB = 1024 bytes)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int power = switch (unit.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        double v = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (v > Long.MAX_VALUE / 2) throw fail(show() + " is too large");
        return (long) v;
    }

    /** An age with a unit: {@code 45s}, {@code 30m}, {@code 12h}, {@code 7d}, {@code 2w}; the count is part of the notation, 1 or more. */
    Duration age(Duration def) {
        if (missing()) return def;
        Matcher m = node.isValueNode() ? AGE.matcher(node.asText().strip()) : null;
        if (m == null || !m.matches()) {
            throw fail(show() + " is not a duration like 7d or 12h (units s, m, h, d, w)");
        }
        long n = Long.parseLong(m.group(1));
        if (n < 1) throw fail(show() + " must be above 0");
        Duration d = switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
        return d;
    }

    // ---- showing values in errors ----

    /**
     * The value as the user wrote it, quoted if text, on one line. A value that came from environment variables is
     * shown with its {@code ${...}} references, never with what they expanded to (they may be secrets), and
     * credentials in URLs are masked.
     */
    String show() {
        if (missing()) return "nothing";
        if (node.isObject()) return "a mapping";
        if (node.isArray()) return node.isEmpty() ? "an empty list" : "a list of " + node.size() + (node.size() == 1 ? " item" : " items");
        if (node.isTextual()) {
            String raw = ctx.unsubstituted().getOrDefault(node, node.asText());
            String s = Redaction.redact(raw);
            if (s.length() > SHOW_MAX) s = s.substring(0, SHOW_MAX) + "...";
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
        }
        return node.asText();
    }

    /** A number shown bare (as in {@code threads: 0 must be at least 1}), whether written as a number or as text. */
    private String shown() {
        if (node.isTextual() && !ctx.unsubstituted().containsKey(node)) return node.asText().strip();
        return show();
    }

    private static String outOfRange(String value, double min, double max) {
        if (min <= Integer.MIN_VALUE && max >= Integer.MAX_VALUE) return value + " is too large";
        if (min <= -1e9 && max >= 1e9) return value + " is not within -1000000000..1000000000";
        if (max >= Integer.MAX_VALUE) return value + " must be at least " + fmt(min);
        return value + " is not within " + fmt(min) + ".." + fmt(max);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
