package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alarm.AlarmState;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a config reload changes in the decisions, on virtual time (issue 12): new GPIO actions and alarm timing act from
 * the next trigger on, exactly; the alarm state and an output already on are kept; a changed pin is not taken live.
 */
class ReloadedActionsTest extends VirtualGpio {

    static final String PINS = """
            gpio:
              outputs: { relay: { pin: 24, kind: relay }, siren: { pin: 25, kind: relay } }
            """;

    VigilConfig reloaded(String text) {
        return ConfigLoader.parse(CAMERA + text, tmp, Map.of());
    }

    @Test
    void newActionsAndAlarmTimingApplyFromTheNextTriggerAndTheAlarmStateIsKept() {
        start(PINS + """
                  actions: [ { group: person, output: relay, pulse_ms: 300 } ]
                alarm: { triggered_s: 1, cooldown_s: 1 }
                """);
        List<String> relay = timeline("relay"), siren = timeline("siren");
        person();
        advanceMs(100);
        assertEquals(AlarmState.TRIGGERED, decisions.alarmState("door"));

        VigilConfig next = reloaded(PINS + """
                  actions: [ { group: person, output: siren, pulse_ms: 50 } ]
                alarm: { triggered_s: 0.5, cooldown_s: 0.2 }
                """);
        stage.reconfigure(next.gpio());
        decisions.reconfigure(next, stage);
        assertEquals(AlarmState.TRIGGERED, decisions.alarmState("door"), "the alarm state is kept");
        advanceMs(200);
        assertEquals(List.of("HIGH@0", "LOW@300"), relay, "the pulse under way ends as it was set");

        person(); // at 300 ms: the new action and the new quiet time
        advanceMs(50);
        assertEquals(List.of("HIGH@300", "LOW@350"), siren, "the siren, for the new 50 ms");
        assertEquals(2, relay.size(), "the relay is no longer an action of person");
        advanceMs(449);
        assertEquals(AlarmState.TRIGGERED, decisions.alarmState("door"));
        advanceMs(1);
        assertEquals(AlarmState.COOLDOWN, decisions.alarmState("door"), "quiet for the new 500 ms after the last person (at 800 ms)");
        advanceMs(199);
        assertEquals(AlarmState.COOLDOWN, decisions.alarmState("door"));
        advanceMs(1);
        assertEquals(AlarmState.ARMED, decisions.alarmState("door"), "the new 200 ms cooldown (at 1000 ms)");
    }

    @Test
    void alarmGroupsChangeLive() {
        start(PINS + "alarm: { groups: [person] }\n");
        fire("animal", time.nanoTime());
        assertEquals(AlarmState.ARMED, decisions.alarmState("door"), "a cat is not an alarm group");
        decisions.reconfigure(reloaded(PINS + "alarm: { groups: [person, animal] }\n"), stage);
        fire("animal", time.nanoTime());
        assertEquals(AlarmState.TRIGGERED, decisions.alarmState("door"));
    }

    @Test
    void aChangedPinIsNotTakenLive() {
        start(PINS + "  actions: [ { group: person, output: relay, pulse_ms: 300 } ]\n");
        VigilConfig moved = reloaded("""
                gpio:
                  outputs: { relay: { pin: 23, kind: relay }, siren: { pin: 25, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 300 } ]
                """);
        assertFalse(GpioStage.samePins(reloaded(PINS).gpio(), moved.gpio()));
        assertThrows(IllegalArgumentException.class, () -> stage.reconfigure(moved.gpio()));
        assertTrue(GpioStage.samePins(reloaded(PINS).gpio(), reloaded(PINS + "  actions: []\n").gpio()), "actions are not pins");
    }
}
