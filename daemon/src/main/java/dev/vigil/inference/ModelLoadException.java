package dev.vigil.inference;

/**
 * A model that cannot be loaded or prepared: missing, truncated, not a TFLite file, an op the runtime lacks,
 * an Edge TPU build without an Edge TPU. The message is one line that names the file and the fix.
 */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) { super(message); }

    public ModelLoadException(String message, Throwable cause) { super(message, cause); }
}
