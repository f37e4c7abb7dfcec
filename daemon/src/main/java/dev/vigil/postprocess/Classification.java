package dev.vigil.postprocess;

/** One class of a classifier's top-k: output index, label, score (0..1). */
public record Classification(int index, String label, float score) {}
