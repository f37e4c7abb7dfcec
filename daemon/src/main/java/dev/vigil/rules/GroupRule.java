package dev.vigil.rules;

import java.util.Set;

/**
 * A rule group, e.g. {@code person: [person]} or {@code animal: [cat, dog, ...]}: a detection belongs to it when its
 * label is in {@code labels}, its score is at least {@code minScore} and its box area (fraction of the frame) lies within
 * [minArea, maxArea].
 */
public record GroupRule(String name, Set<String> labels, float minScore, float minArea, float maxArea) {}
