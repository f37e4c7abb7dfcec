package dev.vigil.capture;

/**
 * A consistent-enough snapshot of one camera's counters (each counter is exact, they are read one after the other).
 *
 * @param captured     frames read from the source and published
 * @param delivered    frames taken by the consumer
 * @param dropped      frames overwritten by a newer one before the consumer took them (latest wins)
 * @param reconnects   times the source was reopened after it went down (a restarted command counts)
 * @param decodeErrors frames the source could not decode (skipped; the source stays open)
 * @param downSince    when the camera last stopped delivering (its first DOWN since it was last UP), null while UP or
 *                     before the first failure
 */
public record CameraStats(String camera, CameraState state, long captured, long delivered, long dropped,
                          long reconnects, long decodeErrors, java.time.Instant downSince) {}
