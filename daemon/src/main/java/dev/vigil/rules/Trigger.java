package dev.vigil.rules;

import dev.vigil.postprocess.Detection;
import java.time.Instant;

/**
 * A confirmed alarm of one rule group on one camera.
 *
 * @param detection the best (highest-scoring) detection that made the group fire; for a classifier its box is the whole
 *                  frame [0, 0, 1, 1]
 * @param time      the time of the frame that fired
 */
public record Trigger(String camera, String group, Detection detection, Instant time) {}
