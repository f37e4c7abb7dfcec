package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every text value of the tree (keys are left alone), so
 * secrets stay out of the file: {@code stream: rtsp://admin:${RTSP_PASSWORD}@10.0.0.7/stream1}. As in the shell, the
 * default applies when the variable is unset or empty; {@code $${} writes a literal {@code ${}. A variable that is
 * not set and has no default is an error naming the key and the variable, never an empty string.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {}

    /** What one replaced node held: its text as written, and the variables' values put into it (defaults not). */
    record Substituted(String written, List<String> values) {}

    /**
     * Expands the tree in place. Each replaced node is recorded in {@code substituted}, so error messages can show
     * the reference instead of the secret, and the reader knows which values to hold secret ({@link Secrets}).
     */
    static void apply(JsonNode root, Map<String, String> env, Map<JsonNode, Substituted> substituted) {
        walk(root, "", env, substituted);
    }

    private static void walk(JsonNode node, String path, Map<String, String> env, Map<JsonNode, Substituted> raw) {
        if (node instanceof ObjectNode obj) {
            List<String> keys = new ArrayList<>();
            obj.properties().forEach(e -> keys.add(e.getKey()));
            for (String key : keys) {
                String childPath = path.isEmpty() ? key : path + "." + key;
                JsonNode child = obj.get(key);
                JsonNode replaced = expandNode(child, childPath, env, raw);
                if (replaced != child) obj.set(key, replaced);
                else walk(child, childPath, env, raw);
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                String childPath = path + "[" + i + "]";
                JsonNode child = arr.get(i);
                JsonNode replaced = expandNode(child, childPath, env, raw);
                if (replaced != child) arr.set(i, replaced);
                else walk(child, childPath, env, raw);
            }
        }
    }

    private static JsonNode expandNode(JsonNode node, String path, Map<String, String> env, Map<JsonNode, Substituted> raw) {
        if (!node.isTextual() || !node.asText().contains("${")) return node;
        String text = node.asText();
        List<String> values = new ArrayList<>();
        TextNode out = TextNode.valueOf(expand(text, path, env, values));
        raw.put(out, new Substituted(text, List.copyOf(values)));
        return out;
    }

    /** {@code s} expanded; the values taken from {@code env} are added to {@code values}. */
    static String expand(String s, String path, Map<String, String> env, List<String> values) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (s.startsWith("${", i)) {
                int end = s.indexOf('}', i + 2);
                if (end < 0) throw error(path, "\"" + s.substring(i) + "\" has no closing }; write ${NAME} or ${NAME:-default}");
                String body = s.substring(i + 2, end);
                int sep = body.indexOf(":-");
                String name = sep < 0 ? body : body.substring(0, sep);
                if (!NAME.matcher(name).matches()) {
                    throw error(path, "\"${" + body + "}\" is not a variable reference; write ${NAME} or ${NAME:-default}");
                }
                String value = env.get(name);
                if (sep >= 0 && (value == null || value.isEmpty())) value = body.substring(sep + 2);
                else if (value != null) values.add(value);
                if (value == null) {
                    throw error(path, "environment variable " + name + " is not set; set it or write ${" + name + ":-default}");
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    private static ConfigException error(String path, String what) {
        return new ConfigException((path.isEmpty() ? "config" : path) + ": " + what);
    }
}
