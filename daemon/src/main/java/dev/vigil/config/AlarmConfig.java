package dev.vigil.config;

import java.time.Duration;
import java.util.Set;

/**
 * The alarm state machine of every camera (top-level {@code alarm: {groups, triggered_s, cooldown_s}}): a decision
 * of its own, whatever outputs (GPIO, later MQTT) act on it.
 *
 * @param groups       the rule groups that move a camera from ARMED to TRIGGERED (empty: every group)
 * @param triggeredFor TRIGGERED lasts this long after the last trigger, then COOLDOWN
 * @param cooldown     COOLDOWN (triggers ignored) lasts this long, then ARMED
 */
public record AlarmConfig(Set<String> groups, Duration triggeredFor, Duration cooldown) {

    public static final AlarmConfig DEFAULT = new AlarmConfig(Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(30));

    public AlarmConfig {
        Check.seconds("triggered_s", triggeredFor, 0);
        Check.seconds("cooldown_s", cooldown, 0);
    }
}
