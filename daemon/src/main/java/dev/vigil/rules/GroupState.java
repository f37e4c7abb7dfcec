package dev.vigil.rules;

import java.time.Instant;

/**
 * What one rule group of one camera has seen, for metrics and the status page.
 *
 * @param lastTrigger     when it last fired, null if never
 * @param matchesInWindow frames that counted towards confirmation among the last {@code window} processed frames
 * @param trackedObjects  objects the IoU tracker currently remembers (0 when tracking is off)
 */
public record GroupState(String camera, String group, Instant lastTrigger, int matchesInWindow, int window,
                         int confirmFrames, int trackedObjects, long frames, long triggers, long cooldownSuppressed) {}
