package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alarm.AlarmState;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import dev.vigil.qc.QcCounts;
import dev.vigil.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inputs on virtual time: the arm switch and its debounce, the PIR's hold time, the QC light barrier to the reject push. */
class GpioInputsTest extends VirtualGpio {

    @Test
    void aLatchHoldsUntilTheArmSwitchIsTurnedOff() {
        start("""
                gpio:
                  outputs: { led: { pin: 23, kind: led } }
                  inputs: { arm: { pin: 17, kind: arm, pull: up, active_low: true, debounce_ms: 5 } }
                  actions: [ { state: triggered, output: led, latch: true } ]
                  alarm: { triggered_s: 0.1, cooldown_s: 0.1 }
                """);
        List<String> t = timeline("led");
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"), "the switch rests open (pull-up): disarmed");
        pins.mockLevel("arm", false); // switch closed to ground: active
        advanceMs(4);
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"), "not before the debounce time");
        advanceMs(1);
        assertEquals(AlarmState.ARMED, decisions.alarms().state("door"));
        advanceMs(15);
        person();
        advanceMs(400); // TRIGGERED -> COOLDOWN -> ARMED meanwhile: the latch does not care
        assertEquals(AlarmState.ARMED, decisions.alarms().state("door"));
        assertTrue(pins.level("led"), "still latched after the alarm went back to ARMED");
        pins.mockLevel("arm", true);
        advanceMs(5);
        assertFalse(pins.level("led"), "disarm releases the latch");
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"));
        assertEquals(List.of("HIGH@20", "LOW@425"), t);
        List<String> path = decisions.alarms().recent().stream().map(a -> a + " @" + ms(a.nanos())).toList();
        assertEquals(List.of("alarm door: DISARMED (start, arm input inactive) @0", "alarm door: DISARMED -> ARMED (input arm on) @5",
                "alarm door: ARMED -> TRIGGERED (person person 0.90) @20", "alarm door: TRIGGERED -> COOLDOWN (quiet for 100ms) @120",
                "alarm door: COOLDOWN -> ARMED (cooldown 100ms over) @220", "alarm door: ARMED -> DISARMED (input arm off) @425"), path);
    }

    @Test
    void aBouncingSwitchGivesOneEdgeOnceItHeldForTheDebounceTime() {
        start("""
                gpio:
                  inputs: { arm: { pin: 17, kind: arm, pull: up, active_low: true, debounce_ms: 20 } }
                """);
        for (int i = 0; i < 5; i++) { // contact bounce: closed, open, closed, ... 3 ms apart
            pins.mockLevel("arm", i % 2 == 1);
            advanceMs(3);
        }
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"));
        advanceMs(19 - 3); // the last raw change (closed) was at 12 ms
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"), "held closed for 19 ms");
        advanceMs(1);
        assertEquals(AlarmState.ARMED, decisions.alarms().state("door"), "held closed for 20 ms");
        assertEquals(32, ms(decisions.alarms().recent().getLast().nanos()));
        pins.mockLevel("arm", true); // a glitch open shorter than the debounce time
        advanceMs(10);
        pins.mockLevel("arm", false);
        advanceMs(100);
        assertEquals(AlarmState.ARMED, decisions.alarms().state("door"), "the glitch was no edge");
        assertEquals(2, decisions.alarms().recent().size());
    }

    @Test
    void aPirKeepsInferenceOffUntilItSeesSomeoneAndForItsHoldTime() {
        start("""
                gpio:
                  inputs: { pir: { pin: 27, kind: wake, pull: down, hold_s: 0.3, debounce_ms: 0 } }
                """);
        assertEquals("wake", stage.skip("door"), "nobody there: no inference");
        pins.mockLevel("pir", true);
        assertNull(stage.skip("door"), "someone there");
        advanceMs(1000);
        pins.mockLevel("pir", false);
        assertNull(stage.skip("door"), "within the hold time");
        advanceMs(299);
        assertNull(stage.skip("door"), "299 ms after the PIR fell");
        advanceMs(1);
        assertEquals("wake", stage.skip("door"), "300 ms after: the hold time is over");
    }

    @Test
    void theLightBarriersRawEdgePlusDelayIsWhenTheRejectPushes() {
        start("""
                gpio:
                  outputs: { reject: { pin: 24, kind: relay } }
                  inputs: { barrier: { pin: 17, kind: trigger, pull: up, active_low: true, debounce_ms: 2 } }
                  qc:
                    door: { trigger: barrier, reject: reject, delay_ms: 700, pulse_ms: 80, ok_labels: [dog], ng_labels: [cat],
                            snapshots: none, audit: %s }
                """.formatted(tmp.resolve("qc.jsonl")));
        List<String> reject = timeline("reject");
        assertEquals("trigger", decisions.skip("door"), "no part: no inference");
        try (Analyzer detector = Analyzer.open(TestData.model(TestData.DETECTOR), Analyzer.Options.defaults(1))) {
            for (String part : new String[] {"cat", "dog"}) { // a part every 250 ms
                long edge = time.nanoTime();
                pins.mockLevel("barrier", false); // the part breaks the beam
                advanceMs(2);
                assertEquals(null, decisions.skip("door"), "a part waits for its frame");
                advanceMs(38);
                pins.mockLevel("barrier", true);
                advanceMs(60); // captured 20 ms after the edge, judged 100 ms after it
                decisions.decide(result(edge + 20_000_000L, List.of(new Detection(part, 0, 0.9f, new float[] {0, 0, 1, 1})), List.of()),
                        frame(edge + 20_000_000L));
                advanceMs(150);
            }
        }
        advanceMs(1000);
        assertEquals(List.of("HIGH@700", "LOW@780"), reject, "the cat part pushed at its raw edge + 700 ms, for 80 ms");
        assertEquals(new QcCounts(1, 1, 0, 1, 0), decisions.qc().get("door").counts());
        assertEquals(0.0, decisions.qc().get("door").pushError().percentileMs(1.0));
    }
}
