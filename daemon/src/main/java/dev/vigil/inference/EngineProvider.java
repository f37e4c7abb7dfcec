package dev.vigil.inference;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An inference engine other than the built-in tflite, found with {@link java.util.ServiceLoader} (a jar's
 * {@code META-INF/services/dev.vigil.inference.EngineProvider}). The daemon knows such engines only by name, so an
 * installation without the jar (the arm64 package) holds nothing of them. See {@link Engines}.
 */
public interface EngineProvider {

    /** The word the config's {@code engine:} and the {@code --engine} option take, e.g. "djl". */
    String name();

    /**
     * Empty when the engine can run in this JVM, else why not, as the end of "engine: NAME is not available ...",
     * e.g. "on linux-arm64 (the DJL TFLite engine ships x86_64 natives only)".
     */
    default Optional<String> unavailable() { return Optional.empty(); }

    /** Opens a model; every failure is a {@link ModelLoadException} with a one-line message. */
    InferenceEngine open(Path model, EngineOptions options);
}
