package dev.vigil.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A value of the YAML tree together with its key path ({@code cameras.door.source.fps}), so that every check can
 * say where it failed. Readers take a default for a missing key; a key written with no value ({@code fps:}) counts
 * as missing. Scalars given as text are parsed ({@code threads: "4"} and {@code threads: ${THREADS:-4}} both work).
 * Every scalar read is also written down, default or not, in {@link Effective}: the config as it was understood.
 */
final class ConfigNode {

    /**
     * What every node of one parse shares: where relative paths start, the text as written, what was read, and the
     * environment {@code ${VAR}} read (a command's {@code env: [NAME]} reads it too).
     */
    record Context(Path baseDir, Map<JsonNode, EnvSubstitution.Substituted> substituted, Effective effective, Map<String, String> env) {}

    private static final int SHOW_MAX = 80;

    private final JsonNode node;
    private final String path;
    private final Context ctx;
    private final Effective.Slot slot;

    private ConfigNode(JsonNode node, String path, Context ctx, Effective.Slot slot) {
        this.node = node;
        this.path = path;
        this.ctx = ctx;
        this.slot = slot;
    }

    static ConfigNode root(JsonNode node, Context ctx) {
        return new ConfigNode(node, "", ctx, null);
    }

    /** This node read from its place in the file, its values written down at {@code place} (a key that moved). */
    ConfigNode writtenAt(ConfigNode place) {
        return new ConfigNode(node, path, ctx, place.slot);
    }

    String path() { return path; }

    Context context() { return ctx; }

    boolean missing() { return node == null || node.isNull() || node.isMissingNode(); }

    boolean isMapping() { return node != null && node.isObject(); }

    boolean isList() { return node != null && node.isArray(); }

    ConfigNode get(String key) {
        JsonNode child = isMapping() ? node.get(key) : null;
        return new ConfigNode(child, path.isEmpty() ? key : path + "." + key, ctx, new Effective.Slot(slot, key, -1));
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
        for (int i = 0; i < node.size(); i++) out.add(new ConfigNode(node.get(i), path + "[" + i + "]", ctx, new Effective.Slot(slot, null, i)));
        return out;
    }

    // ---- scalars: each returns the value and writes it down (see Effective), the default when the key is missing ----

    /** The value as text, or {@code def} when missing; a mapping or list is an error. */
    String text(String def) {
        String s = rawText();
        holdSecret();
        return keep(s == null ? def : s);
    }

    /** Required, non-blank text; {@code hint} says what belongs here. */
    String requiredText(String hint) {
        String s = rawText();
        if (s == null) throw fail("missing; give " + hint);
        if (s.isBlank()) throw fail("is empty; give " + hint);
        holdSecret();
        return keep(s);
    }

    /**
     * Text is where secrets go (a URL, a command): what {@code ${VAR}} put into it is masked from now on. Numbers,
     * switches, words of a list and paths are read elsewhere and are not held secret (see {@link Secrets}).
     */
    private void holdSecret() {
        EnvSubstitution.Substituted sub = node == null ? null : ctx.substituted().get(node);
        if (sub != null) sub.values().forEach(Secrets::register);
    }

    /** A secret (a password): its value is returned, but only {@code ***} is written down, so no printout holds it. */
    java.util.Optional<String> secret() {
        String s = rawText();
        if (s == null) return java.util.Optional.empty();
        if (s.isEmpty()) throw fail("is empty; give the secret, e.g. ${MQTT_PASSWORD}, or leave the key out");
        ctx.effective().set(slot, TextNode.valueOf("***"));
        Secrets.register(s); // a password is a secret whether it came from ${VAR} or was written out
        return java.util.Optional.of(s);
    }

    /** Writes down {@code value} as what this key holds: a default the reader worked out, or a value in its canonical form. */
    String keep(String value) {
        if (value != null) ctx.effective().set(slot, TextNode.valueOf(Redaction.redact(value)));
        return value;
    }

    /** Says what this key takes, for the reference of every key ({@link ConfigReference}), where no typed read says it. */
    ConfigNode takes(String what) {
        ctx.effective().hint(slot, what);
        return this;
    }

    /** Writes down a list of text as what this key holds (a default the reader worked out). */
    void keep(List<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        ctx.effective().set(slot, a);
    }

    /** A whole number; its range is the record's to check. */
    int integer(int def) {
        int v = missing() ? def : (int) rawInteger();
        ctx.effective().set(slot, IntNode.valueOf(v));
        return v;
    }

    /** A whole number of milliseconds ({@code pulse_ms}); its range is the record's to check. */
    Duration millis(long def) {
        ctx.effective().hint(slot, "milliseconds");
        long v = missing() ? def : rawInteger();
        ctx.effective().set(slot, LongNode.valueOf(v));
        return Duration.ofMillis(v);
    }

    /** A number; its range is the record's to check. */
    double number(double def) {
        double v = missing() ? def : rawNumber();
        ctx.effective().set(slot, v == Math.rint(v) && Math.abs(v) < 1e15 ? LongNode.valueOf((long) v) : DoubleNode.valueOf(v));
        return v;
    }

    /** A number held as a float (scores, areas, coordinates), written down as its shortest decimal (0.6, not 0.6000000238418579). */
    float floating(double def) {
        float v = (float) (missing() ? def : rawNumber());
        double shortest = Double.parseDouble(Float.toString(v));
        ctx.effective().set(slot, shortest == Math.rint(shortest) ? LongNode.valueOf((long) shortest) : DoubleNode.valueOf(shortest));
        return v;
    }

    /** A score that only serves as the default of others ({@code cameras.NAME.min_score}): no record holds it. */
    float score(double def) {
        float v = floating(def);
        return make(() -> Check.score("", v));
    }

    /** Seconds given as a number, e.g. {@code cooldown_s: 30} or {@code 0.5}; the range is the record's to check. */
    Duration seconds(double def) {
        double s = number(def);
        ctx.effective().hint(slot, "seconds");
        if (Math.abs(s) > 1e9) throw fail(shown() + " is not within -1000000000..1000000000");
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    boolean bool(boolean def) {
        ctx.effective().hint(slot, "true or false");
        boolean v = def;
        if (!missing()) {
            String s = node.isBoolean() ? node.asText() : node.isTextual() ? node.asText().strip().toLowerCase(Locale.ROOT) : "";
            if (!s.equals("true") && !s.equals("false")) throw fail(show() + " is not true or false");
            v = s.equals("true");
        }
        ctx.effective().set(slot, BooleanNode.valueOf(v));
        return v;
    }

    /** One of {@code words} (case-insensitive), as written in {@code words}. */
    String oneOf(String def, List<String> words) {
        ctx.effective().hint(slot, "one of " + String.join(", ", words));
        String s = rawText();
        if (s == null) return keep(def);
        for (String w : words) if (w.equalsIgnoreCase(s.strip())) return keep(w);
        throw fail(show() + " is not one of " + String.join(", ", words));
    }

    /** A constant of {@code type} written in lowercase; {@code def} null makes it required. */
    <E extends Enum<E>> E word(E def, Class<E> type) {
        List<String> words = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        String w = oneOf(def == null ? null : def.name().toLowerCase(Locale.ROOT), words);
        if (w == null) throw fail("missing; give one of " + String.join(", ", words));
        return Enum.valueOf(type, w.toUpperCase(Locale.ROOT));
    }

    /** A path; relative ones are resolved against the config file's folder, {@code ~/} against the home folder. */
    Path path(Path def) {
        ctx.effective().hint(slot, "a path; a relative one starts at the config file's folder");
        String s = rawText();
        if (s == null) {
            if (def != null) keep(def.toString());
            return def;
        }
        if (s.isBlank()) throw fail("is empty; give a path");
        Path p;
        try {
            p = s.equals("~") || s.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(s.equals("~") ? "" : s.substring(2))
                    : Path.of(s);
        } catch (java.nio.file.InvalidPathException e) {
            throw fail(show() + " is not a valid path (" + e.getReason() + ")");
        }
        Path resolved = ctx.baseDir().resolve(p).normalize();
        keep(resolved.toString());
        return resolved;
    }

    /** A byte count: a whole number, or a number with a unit ({@link Notation#size}); how small it may be is the record's to check. */
    long bytes(long def) {
        ctx.effective().hint(slot, Notation.SIZE_HINT);
        long v;
        if (missing()) {
            v = def;
        } else if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) throw fail(shown() + " is too large");
            v = node.asLong();
        } else {
            Long size = node.isTextual() ? Notation.size(node.asText()) : null;
            if (size == null) throw fail(show() + " is not " + Notation.SIZE_HINT);
            if (size == Long.MAX_VALUE) throw fail(show() + " is too large");
            v = size;
        }
        ctx.effective().set(slot, LongNode.valueOf(v));
        return v;
    }

    /** An age with a unit ({@link Notation#age}); the count is part of the notation, 1 or more. */
    Duration age(Duration def) {
        ctx.effective().hint(slot, Notation.AGE_HINT);
        Duration d = def;
        if (!missing()) {
            d = node.isValueNode() ? Notation.age(node.asText()) : null;
            if (d == null) throw fail(show() + " is not " + Notation.AGE_HINT);
            if (d.isZero()) throw fail(show() + " must be above 0");
        }
        keep(Notation.age(d));
        return d;
    }

    private String rawText() {
        if (missing()) return null;
        if (!node.isValueNode()) throw fail("expected text, got " + show());
        return node.asText();
    }

    private long rawInteger() {
        long v;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            v = node.asLong();
        } else if (node.isIntegralNumber()) {
            throw fail(shown() + " is too large");
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
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw fail(shown() + " is too large");
        return v;
    }

    private double rawNumber() {
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
        return v;
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
            EnvSubstitution.Substituted sub = ctx.substituted().get(node);
            String raw = sub != null ? sub.written() : node.asText();
            String s = Redaction.redact(raw);
            if (s.length() > SHOW_MAX) s = s.substring(0, SHOW_MAX) + "...";
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
        }
        return node.asText();
    }

    /** A number shown bare (as in {@code threads: 0 must be at least 1}), whether written as a number or as text. */
    private String shown() {
        if (node.isTextual() && !ctx.substituted().containsKey(node)) return node.asText().strip();
        return show();
    }
}
