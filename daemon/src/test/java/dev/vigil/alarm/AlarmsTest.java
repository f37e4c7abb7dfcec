package dev.vigil.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-camera alarm state machine: every transition, its cause, and what triggers may do in each state. */
class AlarmsTest {

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() { timer.shutdownNow(); }

    Alarms alarms(boolean doorArmed, Set<String> groups, long triggeredMs, long cooldownMs) {
        Map<String, Boolean> armed = new LinkedHashMap<>();
        armed.put("door", doorArmed);
        armed.put("yard", true);
        return new Alarms(armed, groups, Duration.ofMillis(triggeredMs), Duration.ofMillis(cooldownMs), timer, Clock.systemUTC());
    }

    static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(2);
        }
    }

    @Test
    void aPersonRaisesTheAlarmWhichCoolsDownAndRearms() throws Exception {
        Alarms a = alarms(true, Set.of(), 80, 80);
        List<AlarmTransition> seen = Collections.synchronizedList(new ArrayList<>());
        a.addListener(seen::add);
        assertTrue(a.trigger("door", "person", "person 0.91"));
        assertEquals(AlarmState.TRIGGERED, a.state("door"));
        assertEquals(AlarmState.ARMED, a.state("yard"), "cameras are independent");
        Thread.sleep(40);
        assertTrue(a.trigger("door", "person", "person 0.88"), "a second person keeps the alarm up");
        assertEquals(AlarmState.TRIGGERED, a.state("door"));
        await(() -> a.state("door") == AlarmState.COOLDOWN);
        assertFalse(a.trigger("door", "person", "person 0.95"), "in cooldown nothing fires");
        await(() -> a.state("door") == AlarmState.ARMED);
        assertEquals(List.of("ARMED -> TRIGGERED (person 0.91)", "TRIGGERED -> COOLDOWN (quiet for 80ms)", "COOLDOWN -> ARMED (cooldown 80ms over)"),
                seen.stream().map(t -> t.from() + " -> " + t.to() + " (" + t.cause() + ")").toList());
        AlarmStatus s = a.status().get(0);
        assertEquals(new AlarmStatus("door", AlarmState.ARMED, s.since(), "cooldown 80ms over", 4, 2, 1), s);
        assertEquals(5, a.recent().size(), "two initial states and three changes");
    }

    @Test
    void theQuietTimeCountsFromTheLastTrigger() throws Exception {
        Alarms a = alarms(true, Set.of(), 150, 1000);
        a.trigger("door", "person", "p");
        for (int i = 0; i < 4; i++) {
            Thread.sleep(75);
            a.trigger("door", "person", "p");
        }
        assertEquals(AlarmState.TRIGGERED, a.state("door"), "300 ms of triggers 75 ms apart: still raised");
        await(() -> a.state("door") == AlarmState.COOLDOWN);
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
