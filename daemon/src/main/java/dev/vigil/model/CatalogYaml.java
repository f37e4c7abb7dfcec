package dev.vigil.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a catalog file into records and checks it. Every error is one line that starts with the key path,
 * e.g. {@code models.mobilenet_v2_quant.sha25: unknown key (known: file, url, ...)}.
 */
final class CatalogYaml {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    private static final Set<String> SCHEMES = Set.of("https", "http", "file");

    private CatalogYaml() {}

    static Catalog<ModelEntry> models(String yaml, String source) {
        Map<String, ModelEntry> entries = entries(yaml, source, "models", ModelEntry.class);
        try {
            entries.values().forEach(e -> checkModel(e, entries));
        } catch (Invalid e) {
            throw invalid(source, e.getMessage());
        }
        long defaults = entries.values().stream().filter(ModelEntry::isDefault).count();
        if (defaults > 1) {
            throw invalid(source, "models: more than one entry has default: true; keep it on one detector");
        }
        return new Catalog<>("model", entries);
    }

    static Catalog<ImageEntry> images(String yaml, String source) {
        Map<String, ImageEntry> entries = entries(yaml, source, "images", ImageEntry.class);
        try {
            entries.values().forEach(CatalogYaml::checkImage);
        } catch (Invalid e) {
            throw invalid(source, e.getMessage());
        }
        return new Catalog<>("test image", entries);
    }

    private static <E> Map<String, E> entries(String yaml, String source, String top, Class<E> type) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw invalid(source, "not valid YAML: " + firstLine(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || !root.isObject()) throw invalid(source, "expected a mapping with the key '" + top + "'");
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals(top)) throw invalid(source, key + ": unknown key (expected only '" + top + "')");
        }
        JsonNode list = root.get(top);
        if (list == null || !list.isObject() || list.isEmpty()) {
            throw invalid(source, top + ": missing or empty; expected a mapping of name to entry");
        }
        Map<String, E> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : list.properties()) {
            String name = field.getKey();
            String path = top + "." + name;
            if (!NAME.matcher(name).matches()) {
                throw invalid(source, path + ": a name is lowercase letters, digits, '_', '.' or '-'");
            }
            if (!(field.getValue() instanceof ObjectNode node)) {
                throw invalid(source, path + ": expected a mapping of keys (file, url, sha256, ...)");
            }
            if (node.has("name")) throw invalid(source, path + ".name: unknown key (an entry's name is its key)");
            ObjectNode named = node.deepCopy();
            named.put("name", name);
            try {
                entries.put(name, YAML.treeToValue(named, type));
            } catch (JsonMappingException e) {
                throw invalid(source, path + describe(e));
            } catch (JacksonException e) {
                throw invalid(source, path + ": " + firstLine(e.getOriginalMessage()));
            }
        }
        return entries;
    }

    /** ".key.path: what is wrong" from Jackson's error, without Jackson's class names and source excerpts. */
    private static String describe(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds().stream().map(Object::toString)
                    .filter(k -> !k.equals("name")).sorted().collect(Collectors.joining(", "));
            what = "unknown key (known: " + known + ")";
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String allowed = Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "));
            what = "must be one of " + allowed + " (got '" + f.getValue() + "')";
        } else if (e instanceof InvalidFormatException f) {
            what = "'" + f.getValue() + "' is not a valid " + simpleType(f.getTargetType());
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            what = "expected a " + simpleType(m.getTargetType()) + " (" + firstLine(m.getOriginalMessage()) + ")";
        } else {
            what = firstLine(e.getOriginalMessage());
        }
        return path + ": " + what;
    }

    private static String simpleType(Class<?> type) {
        if (type == URI.class) return "URL";
        if (type == long.class || type == Long.class || type == int.class || type == Integer.class) return "whole number";
        if (type == double.class || type == Double.class) return "number";
        if (type == boolean.class || type == Boolean.class) return "true/false";
        if (type == String.class) return "text";
        if (java.util.Collection.class.isAssignableFrom(type)) return "list";
        return "mapping";
    }

    private static void checkModel(ModelEntry e, Map<String, ModelEntry> all) {
        String path = "models." + e.name();
        checkArtifact(path, e.file(), e.url(), null, e.sha256(), e.size());
        require(e.kind() != null, path + ".kind: missing (classifier, detector or embedding)");
        require(e.license() != null, path + ".license: missing");
        if (e.kind() == ModelEntry.Kind.EMBEDDING) {
            require(e.labels() == null, path + ".labels: an embedding extractor has no classes; remove the labels");
        } else {
            require(e.labels() != null, path + ".labels: missing (file, url, sha256, size)");
            ModelEntry.Labels l = e.labels();
            checkArtifact(path + ".labels", l.file(), l.url(), l.origin(), l.sha256(), l.size());
            require(l.skipFirst() >= 0, path + ".labels.skip_first: must be 0 or more (got " + l.skipFirst() + ")");
            require(l.background() == null || l.background() >= 0,
                    path + ".labels.background: must be 0 or more (got " + l.background() + ")");
        }
        if (e.input() != null) {
            require(e.input().std() > 0, path + ".input.std: must be above 0 (got " + e.input().std() + ")");
        }
        if (e.edgetpu()) {
            require(e.cpuModel() != null, path + ".cpu_model: missing; an Edge TPU build names its CPU model");
        }
        if (e.cpuModel() != null) {
            require(e.edgetpu(), path + ".cpu_model: only for an entry with edgetpu: true");
            ModelEntry cpu = all.get(e.cpuModel());
            require(cpu != null, path + ".cpu_model: '" + e.cpuModel() + "' is not in the catalog; use one of "
                    + String.join(", ", all.keySet()));
            require(!cpu.edgetpu(), path + ".cpu_model: '" + e.cpuModel() + "' is itself an Edge TPU build");
        }
        if (e.isDefault()) {
            require(e.kind() == ModelEntry.Kind.DETECTOR && !e.edgetpu(),
                    path + ".default: the default model must be a CPU detector");
        }
        for (int i = 0; i < e.golden().size(); i++) checkGolden(path + ".golden[" + i + "]", e.golden().get(i), e.kind());
    }

    private static void checkGolden(String path, ModelEntry.Golden g, ModelEntry.Kind kind) {
        require(g != null, path + ": expected a mapping {image: FILE, labels: [...]} or {image: FILE, top: LABEL}");
        require(g.image() != null && !g.image().isBlank(), path + ".image: missing; the file name of a test image of test-images/catalog.yaml");
        require(!g.image().contains("/") && !g.image().contains("\\"), path + ".image: a file name of test-images/catalog.yaml, not a path (got '" + g.image() + "')");
        if (kind == ModelEntry.Kind.CLASSIFIER) {
            require(g.labels() == null, path + ".labels: for a detector; a classifier's golden image gives its top label as top:");
            require(g.top() != null && !g.top().isBlank(), path + ".top: missing; the label the classifier ranks first on the image");
        } else {
            require(g.top() == null, path + ".top: for a classifier; a detector's golden image gives labels: [...]");
            require(g.labels() != null && !g.labels().isEmpty(), path + ".labels: missing or empty; the labels the detector finds on the image");
            for (String l : g.labels()) require(l != null && !l.isBlank(), path + ".labels: an empty label");
        }
    }

    private static void checkImage(ImageEntry e) {
        String path = "images." + e.name();
        checkArtifact(path, e.file(), e.url(), null, e.sha256(), e.size());
        require(e.url() != null, path + ".url: missing");
        require(e.license() != null, path + ".license: missing");
        require(e.expect() != null, path + ".expect: missing; a list of person, animal, none (or [] to leave it out)");
        require(!e.expect().contains(ImageEntry.Expect.NONE) || e.expect().size() == 1,
                path + ".expect: 'none' cannot be combined with other tags");
    }

    private static void checkArtifact(String path, String file, URI url, String origin, String sha256, long size) {
        require(file != null && !file.isBlank(), path + ".file: missing");
        require(!file.contains("/") && !file.contains("\\") && !file.startsWith("."),
                path + ".file: a plain file name, not a path (got '" + file + "')");
        if (url == null) {
            require(origin != null, path + ".url: missing; give a URL, or url: null with origin: saying where the file comes from");
        } else {
            require(url.getScheme() != null && SCHEMES.contains(url.getScheme().toLowerCase(java.util.Locale.ROOT)),
                    path + ".url: must start with https://, http:// or file: (got '" + url + "')");
        }
        require(sha256 != null && SHA256.matcher(sha256).matches(),
                path + ".sha256: must be 64 lowercase hex characters (got '" + sha256 + "')");
        require(size > 0, path + ".size: missing or not above 0 (the file's size in bytes)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new Invalid(message);
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static CatalogException invalid(String source, String message) {
        return CatalogException.unknown(message + " [" + source + "]");
    }

    /** A failed check; {@link #models(String, String)} and {@link #images(String, String)} add the source file. */
    private static final class Invalid extends RuntimeException {
        Invalid(String message) { super(message, null, false, false); }
    }
}
