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
 * @param golden    reference photos of the test-image catalog with what this model sees on them (a hot swap's self-test
 *                  runs them); empty when the catalog gives none
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
        @JsonProperty("default") boolean isDefault,
        java.util.List<Golden> golden) implements Artifact {

    public ModelEntry {
        decoding = decoding == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(decoding));
        golden = golden == null ? java.util.List.of() : java.util.List.copyOf(golden);
    }

    /**
     * A golden image: a photo of {@code test-images/catalog.yaml} (its file name) and what the model must see on it: a
     * classifier's top label ({@code top}, one of the label's comma-separated names), or every label a detector must
     * find at a score of {@link #MIN_SCORE} or more ({@code labels}; others may be found too).
     */
    public record Golden(String image, String top, java.util.List<String> labels) {

        /** The score a detector's expected label needs on a golden image. */
        public static final float MIN_SCORE = 0.5f;

        public Golden {
            labels = labels == null ? null : java.util.List.copyOf(labels);
        }
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
