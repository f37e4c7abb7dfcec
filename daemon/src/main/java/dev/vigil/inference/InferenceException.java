package dev.vigil.inference;

/** The runtime failed while running a model that did load. */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) { super(message); }
}
