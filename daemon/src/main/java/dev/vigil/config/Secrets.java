package dev.vigil.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values {@code ${VAR}} brought into the config as text, masked wherever they appear: log lines (every appender,
 * see dev.vigil.logging.SecretMaskingEncoder), {@code check-config}, {@code /api/*}, metric tags and error messages.
 * Pattern-based masking ({@link Redaction}) misses a password with a space or a {@code /}; an exact value never does.
 *
 * <p>What counts: the value of every variable that a {@code ${VAR}} reference put into a text setting (a URL, a
 * command, a name). Not counted: a {@code :-default} (it is in the file anyway), a variable read as a number, a
 * switch or a path (its folder would otherwise turn to {@code ***} in every line naming a file below it), and a value
 * shorter than {@link #MIN_LENGTH} characters ({@code ${N}} = {@code 1} would mask every digit 1; such a password
 * inside a URL is still masked by {@link Redaction}'s pattern). Besides the value as written, its URL-encoded forms
 * ({@code pa%20ss} and {@code pa+ss}), its JSON-escaped form and, for a value holding {@code %XX}, its decoded form
 * are masked, since a URL, a JSON log line and FFmpeg's messages carry those.
 *
 * <p>One registry per process: secrets are added as configs are read and never forgotten (a config read and
 * rejected still had its secrets in memory; masking a stale one costs nothing).
 */
public final class Secrets {

    /** The shortest value masked as free text. */
    public static final int MIN_LENGTH = 4;
    public static final String MASK = "***";

    private static final Set<String> forms = new LinkedHashSet<>(); // guarded by Secrets.class
    /** Every form, longest first so that {@code pa ss} goes before its prefix {@code pa}; null while there is none. */
    private static volatile Pattern pattern;

    private Secrets() {}

    /** Masks {@code value} from now on (nothing if null or shorter than {@link #MIN_LENGTH}). */
    public static void register(String value) {
        if (value == null || value.length() < MIN_LENGTH) return;
        synchronized (Secrets.class) {
            boolean added = false;
            for (String f : forms(value)) added |= forms.add(f);
            if (!added) return;
            List<String> sorted = new ArrayList<>(forms);
            sorted.sort(Comparator.comparingInt(String::length).reversed());
            pattern = Pattern.compile(String.join("|", sorted.stream().map(Pattern::quote).toList()));
        }
    }

    private static Set<String> forms(String value) {
        Set<String> out = new LinkedHashSet<>();
        out.add(value);
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        out.add(form);
        String percent = form.replace("+", "%20");
        out.add(percent);
        out.add(lowerHex(percent));
        String json = new String(JsonStringEncoder.getInstance().quoteAsString(value));
        out.add(json);
        out.add(json.replace("/", "\\/")); // Logback's JsonEncoder escapes the slash too
        if (value.contains("%")) {
            // A variable may hold the password already percent-encoded for its URL; FFmpeg's messages show it decoded.
            try {
                String decoded = java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (decoded.length() >= MIN_LENGTH) out.add(decoded);
            } catch (IllegalArgumentException e) {
                // not percent-encoding after all
            }
        }
        return out;
    }

    private static String lowerHex(String percentEncoded) {
        return Pattern.compile("%[0-9A-F]{2}").matcher(percentEncoded).replaceAll(m -> m.group().toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether anything is registered: callers on a hot path skip work when not. */
    public static boolean any() {
        return pattern != null;
    }

    /** The text with every registered secret replaced by {@code ***}; the same instance when there was none in it. */
    public static String redact(String text) {
        Pattern p = pattern;
        if (p == null || text == null || text.length() < MIN_LENGTH) return text;
        Matcher m = p.matcher(text);
        if (!m.find()) return text;
        return m.replaceAll(MASK);
    }

    /** Masks every text value of a JSON tree in place (what {@code /api/*} sends), and returns it. */
    public static <T extends JsonNode> T redact(T json) {
        if (pattern == null) return json;
        if (json instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode v = o.get(k);
                if (v.isTextual()) o.set(k, TextNode.valueOf(redact(v.asText())));
                else redact(v);
            }
        } else if (json instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isTextual()) a.set(i, TextNode.valueOf(redact(v.asText())));
                else redact(v);
            }
        }
        return json;
    }

    /** Forgets every secret: for tests, which share one process. */
    public static void clear() {
        synchronized (Secrets.class) {
            forms.clear();
            pattern = null;
        }
    }
}
