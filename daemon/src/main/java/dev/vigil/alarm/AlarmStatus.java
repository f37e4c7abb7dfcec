package dev.vigil.alarm;

import java.time.Instant;

/**
 * A camera's alarm now, for metrics and status pages.
 *
 * @param since       when it entered {@code state}
 * @param transitions changes so far
 * @param triggers    rule triggers that raised or kept up the alarm
 * @param suppressed  rule triggers that fired nothing (disarmed or in cooldown)
 */
public record AlarmStatus(String camera, AlarmState state, Instant since, String cause, long transitions, long triggers,
                          long suppressed) {}
