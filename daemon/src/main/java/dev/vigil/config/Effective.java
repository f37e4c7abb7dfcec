package dev.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * The configuration as it was read: every value a reader took, defaults included, at its key, in the file's shape.
 * This is how {@code vigil check-config --print} shows a config without a second statement of the schema: the
 * readers write down what they read ({@link ConfigNode}), so the output has exactly their keys, and it reads back
 * to the same configuration. Text goes through {@link Redaction}, so no credential of a URL is written.
 */
final class Effective {

    /** A place in the tree: a key of a mapping or an index of a list, under its parent (null: the top). */
    record Slot(Slot parent, String key, int index) {}

    private static final ObjectMapper YAML_OUT = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    /** What each key takes, by {@link #path} ("one of text, json", "milliseconds"): for the reference of every key. */
    private final java.util.Map<String, String> hints = new java.util.LinkedHashMap<>();

    /** {@code cameras.door.zones[].name}: a slot's keys joined by dots, a list index as {@code []}. */
    static String path(Slot s) {
        if (s == null) return "";
        String parent = path(s.parent());
        if (s.key() == null) return parent + "[]";
        return parent.isEmpty() ? s.key() : parent + "." + s.key();
    }

    void hint(Slot s, String what) {
        if (s != null) hints.put(path(s), what);
    }

    java.util.Map<String, String> hints() { return hints; }

    /** The tree as read (for the reference; the config's own copy is {@link #yaml}). */
    ObjectNode tree() { return root.deepCopy(); }

    void set(Slot s, JsonNode value) {
        if (s == null) throw new IllegalArgumentException("the top of the config is a mapping, not a value");
        if (s.key() != null) {
            object(s.parent()).set(s.key(), value);
        } else {
            ArrayNode a = array(s.parent());
            while (a.size() <= s.index()) a.addNull();
            a.set(s.index(), value);
        }
    }

    private ObjectNode object(Slot s) {
        if (s == null) return root;
        if (child(s) instanceof ObjectNode o) return o;
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        set(s, o);
        return o;
    }

    private ArrayNode array(Slot s) {
        if (child(s) instanceof ArrayNode a) return a;
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        set(s, a);
        return a;
    }

    private JsonNode child(Slot s) {
        if (s.key() != null) return object(s.parent()).get(s.key());
        ArrayNode a = array(s.parent());
        return s.index() < a.size() ? a.get(s.index()) : null;
    }

    String yaml() {
        try {
            return YAML_OUT.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config as YAML", e);
        }
    }
}
