package dev.vigil.gpio;

import dev.vigil.alarm.AlarmStatus;
import java.util.List;

/**
 * The GPIO stage now, for metrics and status pages.
 *
 * @param hardware the chip or the mock, in words
 * @param pins     every claimed pin
 * @param alarms   every camera's alarm state
 * @param heartbeatToggles toggles of the heartbeat output since start
 * @param errors   GPIO errors since start (each set every output safe)
 */
public record GpioStatus(String hardware, boolean mock, List<Pin> pins, List<AlarmStatus> alarms, long heartbeatToggles,
                         long errors) {

    /**
     * @param kind   buzzer, led, relay, heartbeat, arm, wake or trigger
     * @param active on (outputs) or active (inputs, debounced)
     * @param high   the physical level
     */
    public record Pin(String name, int bcm, String kind, boolean active, boolean high) {}
}
