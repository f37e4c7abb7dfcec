package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alarm.AlarmState;
import dev.vigil.alarm.AlarmTransition;
import dev.vigil.capture.Frame;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.GpioConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output timelines on virtual time: what the pins do, and at which millisecond, for rule triggers, alarm states and the heartbeat. */
class GpioStageTest extends VirtualGpio {
    @Test
    void aPersonPulsesTheRelayForItsConfiguredTime() {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 300 } ]
                """);
        List<String> t = timeline("relay");
        assertFalse(pins.level("relay"), "safe (LOW) at start");
        long capture = time.nanoTime();
        advanceMs(40); // inference and rules took 40 ms
        fire("person", capture);
        assertEquals(List.of(), t, "the pin is written on the GPIO thread, not by the caller");
        advanceMs(299);
        assertEquals(List.of("HIGH@40"), t);
        advanceMs(1);
        assertEquals(List.of("HIGH@40", "LOW@340"), t, "on for exactly 300 ms");
        advanceMs(5000);
        assertEquals(2, t.size(), "one pulse: " + t);
        assertEquals(1, stage.latency().log("relay").count());
        assertEquals(40.0, stage.latency().log("relay").percentileMs(0.5), "capture to relay on");
        assertEquals(1, stage.output("relay").switches());
    }

    @Test
    void aSecondPersonDuringThePulseExtendsIt() {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 200 } ]
                """);
        List<String> t = timeline("relay");
        person();
        advanceMs(100);
        person();
        advanceMs(199);
        assertEquals(List.of("HIGH@0"), t, "still on at 299 ms: the pulse now ends 200 ms after the second person");
        advanceMs(1);
        assertEquals(List.of("HIGH@0", "LOW@300"), t, "one pulse of 100 + 200 ms");
        person();
        advanceMs(50);
        person(); // ends at 250 from the first, 200 from this one: later, so it extends again
        advanceMs(1000);
        assertEquals(List.of("HIGH@0", "LOW@300", "HIGH@300", "LOW@550"), t);
        assertEquals(2, stage.output("relay").switches());
    }

    @Test
    void theBuzzerPlaysItsPattern() {
        start("""
                gpio:
                  outputs: { buzzer: { pin: 18, kind: buzzer } }
                  actions: [ { group: person, output: buzzer, pattern: { on_ms: 60, off_ms: 40, repeats: 3 } } ]
                """);
        List<String> t = timeline("buzzer");
        person();
        advanceMs(259);
        assertEquals(List.of("HIGH@0", "LOW@60", "HIGH@100", "LOW@160", "HIGH@200"), t);
        advanceMs(1000);
        assertEquals(List.of("HIGH@0", "LOW@60", "HIGH@100", "LOW@160", "HIGH@200", "LOW@260"), t, "three beeps, then quiet");
        assertFalse(pins.level("buzzer"));
    }

    @Test
    void aPatternRestartsOnANewTriggerAndAPulseWinsOverIt() {
        start("""
                alarm: { triggered_s: 0.1, cooldown_s: 0.1 }
                gpio:
                  outputs: { buzzer: { pin: 18, kind: buzzer } }
                  actions:
                    - { group: person, output: buzzer, pattern: { on_ms: 60, off_ms: 40, repeats: 2 } }
                    - { group: animal, output: buzzer, pulse_ms: 500 }
                """);
        List<String> t = timeline("buzzer");
        person();
        advanceMs(80);
        person(); // in the first pause: starts over with its first beep
        advanceMs(1000);
        assertEquals(List.of("HIGH@0", "LOW@60", "HIGH@80", "LOW@140", "HIGH@180", "LOW@240"), t);
        t.clear();
        fire("animal", time.nanoTime());
        advanceMs(100);
        person(); // a pattern does not cut a running pulse
        advanceMs(1000);
        assertEquals(List.of("HIGH@1080", "LOW@1580"), t);
    }

    @Test
    void disarmedMeansNoOutputOnAPerson() {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  inputs: { arm: { pin: 17, kind: arm, pull: up, active_low: true } }
                  actions: [ { group: person, output: relay, pulse_ms: 100 } ]
                """);
        List<String> t = timeline("relay");
        person();
        advanceMs(1000);
        assertEquals(List.of(), t, "disarmed: the relay stays off");
        assertEquals(1, decisions.alarms().status().get(0).suppressed());
        assertEquals(AlarmState.DISARMED, decisions.alarms().state("door"));
    }

    @Test
    void duringCooldownTriggersFireNothing() {
        start("""
                alarm: { groups: [person], triggered_s: 0, cooldown_s: 5 }
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 20 } ]
                """);
        List<String> t = timeline("relay");
        person();
        time.runDue();
        assertEquals(AlarmState.COOLDOWN, decisions.alarms().state("door"));
        advanceMs(4999);
        person();
        advanceMs(1);
        assertEquals(AlarmState.ARMED, decisions.alarms().state("door"), "5 s of cooldown over");
        person();
        advanceMs(100);
        assertEquals(List.of("HIGH@0", "LOW@20", "HIGH@5000", "LOW@5020"), t, "the trigger at 4999 ms fired nothing");
        assertEquals(1, decisions.alarms().status().get(0).suppressed());
    }

    @Test
    void activeLowInvertsTheLevels() {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay, active_low: true } }
                  actions: [ { group: person, output: relay, pulse_ms: 100 } ]
                """);
        assertTrue(pins.level("relay"), "an active-low relay is off at HIGH, from the start");
        List<String> t = timeline("relay");
        person();
        advanceMs(1000);
        assertEquals(List.of("LOW@0", "HIGH@100"), t, "on is LOW, off is HIGH again");
        assertTrue(pins.level("relay"));
    }

    @Test
    void theHeartbeatTogglesWhileFramesFlowAndStopsWithinTwoPeriodsOfTheLastFrame() {
        start("""
                gpio:
                  heartbeat: { pin: 22, period_ms: 50 }
                """);
        List<String> t = timeline("heartbeat");
        for (int i = 0; i <= 53; i++) { // a frame every 10 ms, the last at 530 ms
            frameNow();
            advanceMs(10);
        }
        advanceMs(10);
        List<String> beating = new ArrayList<>();
        for (int k = 1; k <= 11; k++) beating.add((k % 2 == 1 ? "HIGH@" : "LOW@") + 50 * k);
        assertEquals(beating, t, "a toggle every 50 ms while frames flow");
        advanceMs(1000);
        List<String> stopped = new ArrayList<>(beating);
        stopped.add("LOW@600"); // the first tick that finds the last frame (530) older than a period
        assertEquals(stopped, t, "off and quiet once frames stall, 70 ms after the last frame");
        assertEquals(11, stage.heartbeatToggles());
        // Frames again: it beats; a failed inference stops it at the next tick, even with frames processed before it.
        assertEquals(1550, nowMs());
        frameNow();
        advanceMs(50);
        assertEquals("HIGH@1600", t.getLast());
        frameNow();
        advanceMs(5);
        failedNow();
        advanceMs(500);
        assertEquals(List.of("HIGH@1600", "LOW@1650"), t.subList(stopped.size(), t.size()), "no beat after a failure");
        assertEquals(12, stage.heartbeatToggles());
    }

    @Test
    void everyOutputIsSafeAfterShutdown() {
        start("""
                gpio:
                  outputs:
                    relay: { pin: 24, kind: relay, active_low: true }
                    led: { pin: 23, kind: led }
                    buzzer: { pin: 18, kind: buzzer }
                  heartbeat: { pin: 22, period_ms: 20 }
                  actions:
                    - { group: person, output: relay, pulse_ms: 10000 }
                    - { group: person, output: led, latch: true }
                    - { group: person, output: buzzer, pattern: { on_ms: 1000, off_ms: 10, repeats: 100 } }
                """);
        frameNow();
        person();
        advanceMs(20);
        assertTrue(!pins.level("relay") && pins.level("led") && pins.level("buzzer") && pins.level("heartbeat"), "all on");
        stage.close();
        assertTrue(pins.level("relay"), "active-low relay off = HIGH");
        assertFalse(pins.level("led"));
        assertFalse(pins.level("buzzer"));
        assertFalse(pins.level("heartbeat"));
        assertEquals(0, time.pending(), "every timer cancelled");
        advanceMs(20_000);
        assertFalse(pins.level("buzzer"), "no timer turns anything on after shutdown");
        stage = null;
    }

    @Test
    void aGpioErrorSetsEveryOutputSafe() {
        VigilConfig cfg = ConfigLoader.parse(CAMERA + """
                gpio:
                  outputs:
                    led: { pin: 23, kind: led }
                    relay: { pin: 24, kind: relay }
                  actions:
                    - { group: animal, output: led, latch: true }
                    - { group: person, output: relay, pulse_ms: 100 }
                """, tmp, Map.of());
        pins = Pi4jPins.mock("test", time);
        FailingPins failing = new FailingPins(pins, "relay");
        stage = GpioStage.start(cfg, failing, time);
        connect(cfg);
        fire("animal", time.nanoTime());
        time.runDue();
        assertTrue(pins.level("led"), "led latched");
        person(); // the relay's write fails
        time.runDue();
        assertEquals(1, stage.errors(), "error counted");
        assertFalse(pins.level("led"), "every output off after the error");
    }

    @Test
    void aPinThatCannotBeClaimedNamesThePinAndTheChip() {
        VigilConfig cfg = ConfigLoader.parse(CAMERA + """
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                """, tmp, Map.of());
        Pi4jPins mock = Pi4jPins.mock("test");
        mock.output("relay", 24, false); // already claimed under the same id
        ConfigException e = assertThrows(ConfigException.class, () -> GpioStage.start(cfg, mock));
        assertTrue(e.getMessage().startsWith("gpio: cannot claim BCM 24 (relay) on the mock chip: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void withoutAGpioChipTheMockIsChosenWithOneWarning() {
        // This machine has no /dev/gpiochip*: open() falls back to the mock (on a device it opens the chip instead).
        assertTrue(dev.vigil.gpio.cdev.CdevChip.list().isEmpty(), "this test expects a machine without GPIO chips");
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Pi4jPins.class);
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try (Pi4jPins p = Pi4jPins.open(GpioConfig.NONE)) {
            assertTrue(p.isMock());
            assertEquals("mock (no GPIO chip)", p.description());
        } finally {
            logger.detachAppender(appender);
        }
        List<String> warnings = appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(e -> e.getFormattedMessage()).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("no GPIO chip"), warnings.toString());
    }

    /** Pins whose one output fails every write that turns it on: a wire that broke. */
    static final class FailingPins implements GpioPins {
        final Pi4jPins pins;
        final String failing;

        FailingPins(Pi4jPins pins, String failing) {
            this.pins = pins;
            this.failing = failing;
        }

        @Override
        public OutputPin output(String name, int bcm, boolean activeLow) {
            OutputPin real = pins.output(name, bcm, activeLow);
            if (!name.equals(failing)) return real;
            return new OutputPin() {
                @Override public String name() { return name; }
                @Override public int bcm() { return bcm; }
                @Override public void set(boolean active) {
                    if (active) throw new GpioException("gpio: writing BCM " + bcm + " (" + name + ") failed: Input/output error");
                    real.set(false);
                }
                @Override public boolean active() { return real.active(); }
                @Override public void safe() { real.safe(); }
            };
        }

        @Override
        public InputPin input(String name, int bcm, GpioConfig.Pull pull, boolean activeLow, int debounceMicros) {
            return pins.input(name, bcm, pull, activeLow, debounceMicros);
        }

        @Override public String description() { return "failing " + pins.description(); }
        @Override public boolean isMock() { return true; }
        @Override public boolean level(String name) { return pins.level(name); }
        @Override public void close() { pins.close(); }
    }
}
