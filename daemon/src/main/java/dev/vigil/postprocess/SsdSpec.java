package dev.vigil.postprocess;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How to decode a raw-output SSD: the anchor layout (MediaPipe's SsdAnchorsCalculator options) and the box and
 * score decoding. Written in YAML with snake_case keys, in a catalog entry or in {@code <model stem>.decoding.yaml}
 * next to the model:
 * <pre>
 * num_layers: 6
 * min_scale: 0.2
 * max_scale: 0.95
 * input_size: 300
 * strides: [16, 32, 64, 128, 256, 512]
 * aspect_ratios: [1.0, 2.0, 0.5, 3.0, 0.3333]
 * reduce_boxes_in_lowest_layer: true      # default false
 * interpolated_scale_aspect_ratio: 1.0    # default 1.0; 0 turns the extra anchor off
 * box_scales: [10, 10, 5, 5]              # y, x, h, w; the default
 * sigmoid: true                           # scores are logits; default true
 * background_class: 0                     # score column to skip; -1 for none; default 0
 * iou_threshold: 0.4                      # per-class NMS; default 0.5
 * min_score: 0.4                          # default 0.5
 * max_detections: 10                      # default 10
 * </pre>
 *
 * @param inputSize  the model's (square) input side in pixels; a layer has ceil(input_size / stride) cells a side
 * @param boxScales  divisors of the box encodings (y, x, h, w), as the SSD box coder's scale factors
 * @param minScore   the threshold of the model's reference decoding (MediaPipe's min_score_thresh): below it a raw
 *                   SSD's scores are mostly noise and every one of them is a candidate to sort. A caller's threshold
 *                   is what the decoder uses, also a lower one; where it is set, a lower one is warned of
 *                   ({@code ModelSpec.belowScoreFloor}), never silently raised
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SsdSpec(
        int numLayers,
        float minScale,
        float maxScale,
        int inputSize,
        List<Integer> strides,
        List<Float> aspectRatios,
        boolean reduceBoxesInLowestLayer,
        float interpolatedScaleAspectRatio,
        List<Float> boxScales,
        boolean sigmoid,
        int backgroundClass,
        float iouThreshold,
        float minScore,
        int maxDetections) {

    // Built on first read, not with the class: every detector uses SsdSpec, few read one from YAML.
    private static final class Yaml {
        static final YAMLMapper MAPPER = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** Validates; a message names the key, e.g. {@code strides: has 5 values, num_layers is 6}. */
    public SsdSpec {
        require(numLayers >= 1, "num_layers", numLayers + " must be at least 1");
        require(minScale > 0, "min_scale", minScale + " must be more than 0");
        require(maxScale >= minScale, "max_scale", maxScale + " must be at least min_scale (" + minScale + ")");
        require(inputSize >= 1, "input_size", inputSize + " must be at least 1");
        require(strides != null, "strides", "missing");
        require(strides.stream().allMatch(Objects::nonNull), "strides", "has an empty value");
        strides = List.copyOf(strides);
        require(strides.size() == numLayers, "strides", "has " + strides.size() + " values, num_layers is " + numLayers);
        for (int s : strides) require(s >= 1, "strides", s + " must be at least 1");
        require(aspectRatios != null && !aspectRatios.isEmpty(), "aspect_ratios", "missing");
        require(aspectRatios.stream().allMatch(Objects::nonNull), "aspect_ratios", "has an empty value");
        aspectRatios = List.copyOf(aspectRatios);
        for (float a : aspectRatios) require(a > 0, "aspect_ratios", a + " must be more than 0");
        require(interpolatedScaleAspectRatio >= 0, "interpolated_scale_aspect_ratio", interpolatedScaleAspectRatio + " must be 0 (off) or more");
        require(boxScales != null, "box_scales", "missing");
        require(boxScales.stream().allMatch(Objects::nonNull), "box_scales", "has an empty value");
        boxScales = List.copyOf(boxScales);
        require(boxScales.size() == 4, "box_scales", "has " + boxScales.size() + " values; give 4 (y, x, h, w)");
        for (float b : boxScales) require(b > 0, "box_scales", b + " must be more than 0");
        require(backgroundClass >= -1, "background_class", backgroundClass + " must be a class index, or -1 for none");
        require(iouThreshold > 0 && iouThreshold <= 1, "iou_threshold", iouThreshold + " must be in (0, 1]");
        require(minScore >= 0 && minScore <= 1, "min_score", minScore + " must be in [0, 1]");
        require(maxDetections >= 1, "max_detections", maxDetections + " must be at least 1");
    }

    /** The YAML and catalog form: the six anchor keys are required, the rest have the defaults above. */
    @JsonCreator
    static SsdSpec fromYaml(
            @JsonProperty("num_layers") Integer numLayers,
            @JsonProperty("min_scale") Float minScale,
            @JsonProperty("max_scale") Float maxScale,
            @JsonProperty("input_size") Integer inputSize,
            @JsonProperty("strides") List<Integer> strides,
            @JsonProperty("aspect_ratios") List<Float> aspectRatios,
            @JsonProperty("reduce_boxes_in_lowest_layer") Boolean reduceBoxesInLowestLayer,
            @JsonProperty("interpolated_scale_aspect_ratio") Float interpolatedScaleAspectRatio,
            @JsonProperty("box_scales") List<Float> boxScales,
            @JsonProperty("sigmoid") Boolean sigmoid,
            @JsonProperty("background_class") Integer backgroundClass,
            @JsonProperty("iou_threshold") Float iouThreshold,
            @JsonProperty("min_score") Float minScore,
            @JsonProperty("max_detections") Integer maxDetections) {
        return new SsdSpec(
                required(numLayers, "num_layers"), required(minScale, "min_scale"), required(maxScale, "max_scale"),
                required(inputSize, "input_size"), required(strides, "strides"), required(aspectRatios, "aspect_ratios"),
                orElse(reduceBoxesInLowestLayer, false), orElse(interpolatedScaleAspectRatio, 1f),
                orElse(boxScales, List.of(10f, 10f, 5f, 5f)), orElse(sigmoid, true), orElse(backgroundClass, 0),
                orElse(iouThreshold, 0.5f), orElse(minScore, 0.5f), orElse(maxDetections, 10));
    }

    /**
     * Reads a decoding spec from a YAML file. Errors are one line naming the file and the key, e.g.
     * {@code models/ssd.decoding.yaml: box_scales: has 3 values; give 4 (y, x, h, w)}.
     */
    public static SsdSpec load(Path yaml) {
        try {
            return Yaml.MAPPER.readValue(yaml.toFile(), SsdSpec.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(yaml + ": " + cause.getMessage(), e);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException(yaml + ": " + e.getPropertyName() + ": unknown key (known: " + known + ")", e);
        } catch (JsonMappingException e) {
            String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String problem = e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)
                    ? "not valid YAML (" + firstLine(syntax.getOriginalMessage()) + ")" : firstLine(e.getOriginalMessage());
            throw new IllegalArgumentException(yaml + ": " + (key.isEmpty() ? "" : key + ": ") + problem, e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(yaml + ": not valid YAML (" + firstLine(e.getOriginalMessage()) + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(yaml + ": cannot read decoding spec (" + e.getClass().getSimpleName() + "); check the path", e);
        }
    }

    /** A spec given as a map (a catalog entry's {@code decoding}); errors name {@code where} and the key. */
    public static SsdSpec fromMap(java.util.Map<String, Object> map, String where) {
        try {
            return Yaml.MAPPER.convertValue(map, SsdSpec.class);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException(where + ": " + firstLine(m), e);
        }
    }

    /** The spec in {@code <model stem>.decoding.yaml} next to the model, when there is one. */
    public static Optional<SsdSpec> forModel(Path model) {
        Path yaml = sidecar(model);
        return Files.isRegularFile(yaml) ? Optional.of(load(yaml)) : Optional.empty();
    }

    /** Where {@link #forModel} looks: {@code x/ssd.tflite} -> {@code x/ssd.decoding.yaml}. */
    public static Path sidecar(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".decoding.yaml");
    }

    /** The box scale for y, x, h or w as a float (index 0..3). */
    public float boxScale(int i) { return boxScales.get(i); }

    private static <T> T required(T value, String key) {
        if (value == null) throw new IllegalArgumentException(key + ": missing");
        return value;
    }

    private static <T> T orElse(T value, T fallback) { return value == null ? fallback : value; }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) throw new IllegalArgumentException(key + ": " + problem);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
