package dev.vigil.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The per-camera alarm state machine: every transition, its cause, its time, and what triggers may do in each state. */
class AlarmsTest {

    final VirtualTime time = new VirtualTime();
    final ScheduledExecutorService timer = time.scheduler();

    Alarms alarms(boolean doorArmed, Set<String> groups, long triggeredMs, long cooldownMs) {
        Map<String, Boolean> armed = new LinkedHashMap<>();
        armed.put("door", doorArmed);
        armed.put("yard", true);
        return new Alarms(armed, groups, Duration.ofMillis(triggeredMs), Duration.ofMillis(cooldownMs), timer, time);
    }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    /** A transition as {@code FROM -> TO (cause) @ms}, ms since the start of virtual time (wall clock and nanos agree). */
    static String line(AlarmTransition t) {
        long ms = (t.nanos() - VirtualTime.START_NANOS) / 1_000_000;
        assertEquals(VirtualTime.START.plusNanos(t.nanos() - VirtualTime.START_NANOS), t.time(), "wall time and nanos of " + t);
        return t.from() + " -> " + t.to() + " (" + t.cause() + ") @" + ms;
    }

    @Test
    void aPersonRaisesTheAlarmWhichCoolsDownAndRearms() {
        Alarms a = alarms(true, Set.of(), 80, 80);
        List<AlarmTransition> seen = new ArrayList<>();
        a.addListener(seen::add);
        assertTrue(a.trigger("door", "person", "person 0.91"));
        assertEquals(AlarmState.TRIGGERED, a.state("door"));
        assertEquals(AlarmState.ARMED, a.state("yard"), "cameras are independent");
        advanceMs(40);
        assertTrue(a.trigger("door", "person", "person 0.88"), "a second person keeps the alarm up");
        advanceMs(79);
        assertEquals(AlarmState.TRIGGERED, a.state("door"), "quiet for 79 ms after the last trigger: still raised");
        advanceMs(1);
        assertEquals(AlarmState.COOLDOWN, a.state("door"), "quiet for 80 ms: cooling down");
        assertFalse(a.trigger("door", "person", "person 0.95"), "in cooldown nothing fires");
        advanceMs(79);
        assertEquals(AlarmState.COOLDOWN, a.state("door"));
        advanceMs(1);
        assertEquals(AlarmState.ARMED, a.state("door"));
        assertEquals(List.of("ARMED -> TRIGGERED (person 0.91) @0", "TRIGGERED -> COOLDOWN (quiet for 80ms) @120",
                "COOLDOWN -> ARMED (cooldown 80ms over) @200"), seen.stream().map(AlarmsTest::line).toList());
        AlarmStatus s = a.status().get(0);
        assertEquals(new AlarmStatus("door", AlarmState.ARMED, VirtualTime.START.plusMillis(200), "cooldown 80ms over", 4, 2, 1), s);
        assertEquals(5, a.recent().size(), "two initial states and three changes");
        assertEquals(0, time.pending(), "no timer left once re-armed");
    }

    @Test
    void theQuietTimeCountsFromTheLastTrigger() {
        Alarms a = alarms(true, Set.of(), 150, 1000);
        a.trigger("door", "person", "p");
        for (int i = 0; i < 4; i++) {
            advanceMs(75);
            a.trigger("door", "person", "p");
        }
        advanceMs(149);
        assertEquals(AlarmState.TRIGGERED, a.state("door"), "triggers 75 ms apart until 300 ms, quiet for 149 ms: still raised");
        advanceMs(1);
        assertEquals(AlarmState.COOLDOWN, a.state("door"));
        assertEquals("TRIGGERED -> COOLDOWN (quiet for 150ms) @450", line(a.recent().getLast()));
        assertEquals(5, a.status().get(0).triggers());
    }

    @Test
    void triggeredForZeroGoesStraightToCooldownAtTheNextTimerTurn() {
        Alarms a = alarms(true, Set.of(), 0, 5000);
        assertTrue(a.trigger("door", "person", "p"));
        time.runDue();
        assertEquals(AlarmState.COOLDOWN, a.state("door"));
        advanceMs(4999);
        assertFalse(a.trigger("door", "person", "p"), "suppressed for the whole cooldown");
        advanceMs(1);
        assertEquals(AlarmState.ARMED, a.state("door"));
        assertEquals(List.of("ARMED -> TRIGGERED (p) @0", "TRIGGERED -> COOLDOWN (quiet for 0s) @0", "COOLDOWN -> ARMED (cooldown 5s over) @5000"),
                a.recent().stream().filter(t -> t.camera().equals("door") && t.from() != null).map(AlarmsTest::line).toList());
    }

    @Test
    void disarmingDuringCooldownCancelsTheRearmAndArmingAgainStartsArmed() {
        Alarms a = alarms(true, Set.of(), 100, 1000);
        a.trigger("door", "person", "p");
        advanceMs(100);
        assertEquals(AlarmState.COOLDOWN, a.state("door"));
        advanceMs(400);
        a.disarm("door", "input arm off");
        advanceMs(600);
        assertEquals(AlarmState.DISARMED, a.state("door"), "the cooldown's end does not re-arm a disarmed camera");
        a.arm("door", "input arm on");
        assertEquals(List.of("ARMED -> TRIGGERED (p) @0", "TRIGGERED -> COOLDOWN (quiet for 100ms) @100",
                "COOLDOWN -> DISARMED (input arm off) @500", "DISARMED -> ARMED (input arm on) @1100"),
                a.recent().stream().filter(t -> t.camera().equals("door") && t.from() != null).map(AlarmsTest::line).toList());
    }

    @Test
    void disarmedFiresNothingAndDisarmWinsFromAnyState() {
        Alarms a = alarms(false, Set.of(), 1000, 1000);
        assertEquals(AlarmState.DISARMED, a.state("door"));
        assertFalse(a.trigger("door", "person", "p"));
        assertEquals(1, a.status().get(0).suppressed());
        a.arm("door", "input arm on");
        assertTrue(a.trigger("door", "person", "p"));
        a.disarm("door", "input arm off");
        assertEquals(AlarmState.DISARMED, a.state("door"));
        a.disarm("door", "again");
        assertEquals(4, a.status().get(0).transitions(), "disarming a disarmed camera changes nothing");
    }

    @Test
    void onlyAlarmGroupsRaiseTheAlarmButOtherGroupsStillAct() {
        Alarms a = alarms(true, Set.of("person"), 1000, 1000);
        assertTrue(a.trigger("door", "animal", "cat 0.7"), "armed: the animal group's own actions run");
        assertEquals(AlarmState.ARMED, a.state("door"), "but a cat raises no alarm");
        a.trigger("door", "person", "person 0.9");
        assertEquals(AlarmState.TRIGGERED, a.state("door"));
    }

    @Test
    void anUnknownCameraIsNamed() {
        Alarms a = alarms(true, Set.of(), 1, 1);
        assertFalse(a.trigger("garage", "person", "p"));
        assertEquals("no camera garage (cameras: [door, yard])",
                assertThrows(IllegalArgumentException.class, () -> a.arm("garage", "x")).getMessage());
    }
}
