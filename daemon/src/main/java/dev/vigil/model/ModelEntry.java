package dev.vigil.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model of {@code models/catalog.yaml}; {@code name} is the entry's key there.
 *
 * @param input     normalization of a float input, {@code null} for quantized (uint8) inputs
 * @param cpuModel  for an Edge TPU build ({@code edgetpu}), the catalog name of the same network for the CPU
 * @param decoding  how raw outputs become detections for a graph without a post-processing op (e.g. SSD anchors),
 *                  kept as read; empty when the graph decodes itself
 * @param isDefault the detector used when no model is given
 */
public record ModelEntry(
        String name,
        String file,
        URI url,
        String sha256,
        long size,
        String license,
        Kind kind,
        String description,
        Labels labels,
        Input input,
        boolean edgetpu,
        String cpuModel,
        Map<String, Object> decoding,
        @JsonProperty("default") boolean isDefault) implements Artifact {

    public ModelEntry {
        decoding = decoding == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(decoding));
    }

    @Override
    public String folder() { return "models"; }

    /** The label file, absent for an embedding extractor (it has no classes). */
    public java.util.Optional<Labels> labelFile() { return java.util.Optional.ofNullable(labels); }

    public enum Kind {
        @JsonProperty("classifier") CLASSIFIER,
        @JsonProperty("detector") DETECTOR,
        /** A feature extractor (no classes, no label file): the base a learned head ({@code vigil learn}) sits on. */
        @JsonProperty("embedding") EMBEDDING;

        /** The word used in the catalog and on the command line. */
        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * The label file of a model: line {@code i} (after {@code skipFirst} lines) names output class {@code i}.
     *
     * @param origin     where to get the file by hand when {@code url} is null
     * @param skipFirst  lines to drop before index 0
     * @param background index of the background class (never reported), or null when there is none
     * @param unused     text of the placeholder lines for class ids the model never emits (e.g. {@code n/a}), or null
     */
    public record Labels(
            String file,
            URI url,
            String origin,
            String sha256,
            long size,
            int skipFirst,
            Integer background,
            String unused) implements Artifact {

        @Override
        public String folder() { return "models"; }
    }

    /** A float input is fed {@code (pixel - mean) / std}; e.g. mean 127.5 and std 127.5 give [-1, 1]. */
    public record Input(double mean, double std) {}
}
