package dev.vigil.config;

import dev.vigil.inference.Delegate;
import dev.vigil.inference.EngineOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model and how it runs (top-level keys {@code model}, {@code threads}, {@code engine}, {@code delegate},
 * {@code edgetpu_device}, {@code labels}, {@code labels_locale} and {@code models.*}).
 *
 * @param model         a catalog name, or a model file (resolved against the config's folder); not checked here,
 *                      {@code ModelStore.resolve} does that with the catalog at hand
 * @param edgetpuDevice Edge TPU device (usb, pci, usb:N, pci:N or a path); empty for the first found
 * @param labels        a label file overriding the model's own
 * @param mirror        a folder tried for models before downloading
 * @param labelsLocale  of a model whose metadata packs label files per locale (IDs, then display names), the locale
 *                      whose names are used ({@code labels_locale}, default {@code en})
 * @param swap          how a model deployed into the running daemon takes over ({@code models.probation_s} ...)
 */
public record InferenceConfig(String model, int threads, Engine engine, Delegate delegate, Optional<String> edgetpuDevice,
                              Optional<Path> labels, Optional<Path> mirror, String labelsLocale, SwapConfig swap) {

    public static final String DEFAULT_MODEL = "ssd_mobilenet_v1_coco_quant";
    public static final int DEFAULT_THREADS = 2;
    public static final String DEFAULT_LABELS_LOCALE = "en";
    private static final java.util.regex.Pattern LOCALE = java.util.regex.Pattern.compile("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*");

    /** With the default labels locale. */
    public InferenceConfig(String model, int threads, Engine engine, Delegate delegate, Optional<String> edgetpuDevice,
                           Optional<Path> labels, Optional<Path> mirror) {
        this(model, threads, engine, delegate, edgetpuDevice, labels, mirror, DEFAULT_LABELS_LOCALE);
    }

    /** With the default hot-swap settings. */
    public InferenceConfig(String model, int threads, Engine engine, Delegate delegate, Optional<String> edgetpuDevice,
                           Optional<Path> labels, Optional<Path> mirror, String labelsLocale) {
        this(model, threads, engine, delegate, edgetpuDevice, labels, mirror, labelsLocale, SwapConfig.DEFAULT);
    }

    public InferenceConfig {
        if (labelsLocale == null || !LOCALE.matcher(labelsLocale).matches())
            throw ConfigException.at("labels_locale", "\"" + labelsLocale + "\" is not a locale; give a language tag such as en or de-CH");
        if (swap == null) swap = SwapConfig.DEFAULT;
        if (model == null || model.isBlank()) throw ConfigException.at("model", "is empty; give a catalog name (see vigil models list) or a .tflite file");
        Check.atLeast("threads", threads, 1);
        if (edgetpuDevice.isPresent() && edgetpuDevice.get().isBlank()) {
            throw ConfigException.at("edgetpu_device", "is empty; give usb, pci, usb:N, pci:N or a device path");
        }
    }

    /** The inference runtime; {@link #word()} is what {@code Analyzer.Options} takes. */
    public enum Engine {
        TFLITE, DJL;

        public String word() { return name().toLowerCase(Locale.ROOT); }

        static List<String> words() { return java.util.Arrays.stream(values()).map(Engine::word).toList(); }
    }

    public EngineOptions engineOptions() {
        return new EngineOptions(threads, delegate, edgetpuDevice.orElse(null), null, -1);
    }

    /** The delegate as the config writes it (the inverse of {@link Delegate#parse}). */
    static String word(Delegate d) {
        return switch (d) {
            case CPU -> "cpu";
            case XNNPACK_DEFAULT -> "xnnpack";
            case XNNPACK_FFM -> "xnnpack-ffm";
            case NONE -> "none";
            case EDGETPU -> "edgetpu";
            case AUTO -> "auto";
        };
    }

    static final List<String> DELEGATES = java.util.Arrays.stream(Delegate.values()).map(InferenceConfig::word).toList();
}
