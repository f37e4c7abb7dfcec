package dev.vigil.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models or test images vigil knows by name, in catalog order.
 * The repository's {@code models/catalog.yaml} and {@code test-images/catalog.yaml} are packaged into the jar,
 * so {@link #builtinModels()} and {@link #builtinImages()} work wherever the jar runs.
 *
 * @param what    "model" or "test image", for messages
 * @param entries by name, in catalog order
 */
public record Catalog<E extends Artifact>(String what, Map<String, E> entries) {

    static final String MODELS_RESOURCE = "/catalog/models/catalog.yaml";
    static final String IMAGES_RESOURCE = "/catalog/test-images/catalog.yaml";

    public Catalog {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public List<String> names() { return List.copyOf(entries.keySet()); }

    public Optional<E> find(String name) { return Optional.ofNullable(entries.get(name)); }

    /** The entry called {@code name}, or an error listing every name. */
    public E get(String name) {
        E entry = entries.get(name);
        if (entry == null) {
            throw CatalogException.unknown("unknown " + what + " '" + name + "'; the catalog has: " + String.join(", ", names()));
        }
        return entry;
    }

    public static Catalog<ModelEntry> builtinModels() { return BuiltinModels.CATALOG; }

    public static Catalog<ImageEntry> builtinImages() { return BuiltinImages.CATALOG; }

    public static Catalog<ModelEntry> models(String yaml, String source) { return CatalogYaml.models(yaml, source); }

    public static Catalog<ImageEntry> images(String yaml, String source) { return CatalogYaml.images(yaml, source); }

    public static Catalog<ModelEntry> models(Path file) { return models(read(file), file.toString()); }

    public static Catalog<ImageEntry> images(Path file) { return images(read(file), file.toString()); }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CatalogException.unknown("cannot read catalog " + file + ": " + e.getMessage());
        }
    }

    // Each read once, on first use (the jar's copies never change while it runs), and apart: a `detect` on a photo
    // never needs the test images' catalog.
    private static final class BuiltinModels {
        static final Catalog<ModelEntry> CATALOG = models(resource(MODELS_RESOURCE), "jar:" + MODELS_RESOURCE);
    }

    private static final class BuiltinImages {
        static final Catalog<ImageEntry> CATALOG = images(resource(IMAGES_RESOURCE), "jar:" + IMAGES_RESOURCE);
    }

    private static String resource(String name) {
        try (InputStream in = Catalog.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath; rebuild the jar (mvn package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
