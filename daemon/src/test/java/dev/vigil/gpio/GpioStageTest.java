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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output timelines on Pi4J's mock: what the pins do, and when, for rule triggers, alarm states and inputs. */
class GpioStageTest {

    @TempDir
    Path tmp;

    Pi4jPins pins;
    GpioStage stage;

    static final String CAMERA = """
            cameras:
              door:
                source: { folder: /nowhere, fps: 5 }
                groups:
                  person: { labels: [person] }
                  animal: { labels: [cat] }
            """;

    GpioStage start(String gpio) {
        VigilConfig cfg = ConfigLoader.parse(CAMERA + gpio, tmp, Map.of());
        pins = Pi4jPins.mock("test");
        stage = GpioStage.start(cfg, pins);
        return stage;
    }

    @AfterEach
    void close() {
        if (stage != null) stage.close();
    }

    /** A pin's level changes, as Pi4J's mock reports them. */
    record Change(boolean high, long nanos) {}

    List<Change> timeline(String output) {
        List<Change> l = Collections.synchronizedList(new ArrayList<>());
        pins.onOutputLevel(output, (high, nanos) -> l.add(new Change(high, nanos)));
        return l;
    }

    static Frame frame(long captureNanos) {
        return new Frame("door", 1, null, captureNanos, Instant.now(), "test.jpg");
    }

    void person() { fire("person", System.nanoTime()); }

    void fire(String group, long captureNanos) {
        Detection d = new Detection(group.equals("person") ? "person" : "cat", 0, 0.9f, new float[] {0, 0, 1, 1});
        stage.triggered(new Trigger("door", group, d, Instant.now()), frame(captureNanos), Optional.empty());
    }

    static void await(BooleanSupplier c, long ms, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + ms + " ms: " + what);
            Thread.sleep(2);
        }
    }

    static double ms(long nanos) { return nanos / 1e6; }

    @Test
    void aPersonPulsesTheRelayForItsConfiguredTime() throws Exception {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 300 } ]
                """);
        List<Change> t = timeline("relay");
        assertFalse(pins.level("relay"), "safe (LOW) at start");
        long capture = System.nanoTime();
        fire("person", capture);
        await(() -> t.size() >= 2, 2000, "relay on and off: " + t);
        Thread.sleep(100);
        assertEquals(2, t.size(), "one pulse: " + t);
        assertTrue(t.get(0).high() && !t.get(1).high());
        double length = ms(t.get(1).nanos() - t.get(0).nanos());
        assertTrue(Math.abs(length - 300) <= 20, "pulse " + length + " ms, configured 300");
        double latency = stage.latency().log("relay").percentileMs(0.5);
        assertEquals(1, stage.latency().log("relay").count());
        assertTrue(latency >= 0 && latency < 50, "capture to relay on: " + latency + " ms");
        System.out.printf("relay pulse %.1f ms (configured 300); trigger-to-output latency %.3f ms%n", length, latency);
    }

    @Test
    void aSecondPersonDuringThePulseExtendsIt() throws Exception {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 200 } ]
                """);
        List<Change> t = timeline("relay");
        person();
        Thread.sleep(100);
        person();
        await(() -> t.size() >= 2, 2000, "relay off: " + t);
        double length = ms(t.get(1).nanos() - t.get(0).nanos());
        assertTrue(Math.abs(length - 300) <= 20, "one pulse of 100 + 200 ms, got " + length + ": " + t);
    }

    @Test
    void theBuzzerPlaysItsPattern() throws Exception {
        start("""
                gpio:
                  outputs: { buzzer: { pin: 18, kind: buzzer } }
                  actions: [ { group: person, output: buzzer, pattern: { on_ms: 60, off_ms: 40, repeats: 3 } } ]
                """);
        List<Change> t = timeline("buzzer");
        person();
        await(() -> t.size() >= 6, 2000, "three beeps: " + t);
        Thread.sleep(150);
        assertEquals(6, t.size(), "on/off three times, then quiet: " + t);
        for (int i = 0; i < 6; i++) {
            assertEquals(i % 2 == 0, t.get(i).high(), "change " + i + " of " + t);
            if (i > 0) {
                double d = ms(t.get(i).nanos() - t.get(i - 1).nanos());
                double want = i % 2 == 1 ? 60 : 40;
                assertTrue(Math.abs(d - want) <= 20, "step " + i + ": " + d + " ms, want " + want);
            }
        }
        assertFalse(pins.level("buzzer"));
    }

    @Test
    void aLatchHoldsUntilTheArmSwitchIsTurnedOff() throws Exception {
        start("""
                alarm: { triggered_s: 0.1, cooldown_s: 0.1 }
                gpio:
                  outputs: { led: { pin: 23, kind: led } }
                  inputs: { arm: { pin: 17, kind: arm, pull: up, active_low: true, debounce_ms: 5 } }
                  actions: [ { state: triggered, output: led, latch: true } ]
                """);
        assertEquals(AlarmState.DISARMED, stage.alarms().state("door"), "the switch rests open (pull-up): disarmed");
        pins.mockLevel("arm", false); // switch closed to ground: active
        await(() -> stage.alarms().state("door") == AlarmState.ARMED, 1000, "armed");
        person();
        await(() -> pins.level("led"), 1000, "led latched on");
        Thread.sleep(400); // TRIGGERED -> COOLDOWN -> ARMED meanwhile: the latch does not care
        assertEquals(AlarmState.ARMED, stage.alarms().state("door"));
        assertTrue(pins.level("led"), "still latched after the alarm went back to ARMED");
        pins.mockLevel("arm", true);
        await(() -> !pins.level("led"), 1000, "disarm releases the latch");
        assertEquals(AlarmState.DISARMED, stage.alarms().state("door"));
        List<String> path = stage.alarms().recent().stream().map(AlarmTransition::toString).toList();
        assertEquals(List.of("alarm door: DISARMED (start, arm input inactive)", "alarm door: DISARMED -> ARMED (input arm on)",
                "alarm door: ARMED -> TRIGGERED (person person 0.90)", "alarm door: TRIGGERED -> COOLDOWN (quiet for 100ms)",
                "alarm door: COOLDOWN -> ARMED (cooldown 100ms over)", "alarm door: ARMED -> DISARMED (input arm off)"), path);
    }

    @Test
    void disarmedMeansNoOutputOnAPerson() throws Exception {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  inputs: { arm: { pin: 17, kind: arm, pull: up, active_low: true } }
                  actions: [ { group: person, output: relay, pulse_ms: 100 } ]
                """);
        List<Change> t = timeline("relay");
        person();
        Thread.sleep(200);
        assertEquals(List.of(), t, "disarmed: the relay stays off");
        assertEquals(1, stage.alarms().status().get(0).suppressed());
        assertEquals(AlarmState.DISARMED, stage.alarms().state("door"));
    }

    @Test
    void duringCooldownTriggersFireNothing() throws Exception {
        start("""
                alarm: { groups: [person], triggered_s: 0, cooldown_s: 5 }
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 20 } ]
                """);
        List<Change> t = timeline("relay");
        person();
        await(() -> stage.alarms().state("door") == AlarmState.COOLDOWN, 1000, "cooldown");
        person();
        Thread.sleep(100);
        assertEquals(2, t.size(), "one pulse only: " + t);
        assertEquals(1, stage.alarms().status().get(0).suppressed());
    }

    @Test
    void activeLowInvertsTheLevels() throws Exception {
        start("""
                gpio:
                  outputs: { relay: { pin: 24, kind: relay, active_low: true } }
                  actions: [ { group: person, output: relay, pulse_ms: 100 } ]
                """);
        assertTrue(pins.level("relay"), "an active-low relay is off at HIGH, from the start");
        List<Change> t = timeline("relay");
        person();
        await(() -> t.size() >= 2, 1000, "pulse");
        assertFalse(t.get(0).high(), "on is LOW");
        assertTrue(t.get(1).high(), "off is HIGH again");
        assertTrue(pins.level("relay"));
    }

    @Test
    void theHeartbeatStopsWithinTwoPeriodsWhenFramesStall() throws Exception {
        start("""
                gpio:
                  heartbeat: { pin: 22, period_ms: 50 }
                """);
        List<Change> t = timeline("heartbeat");
        long lastFrame = 0;
        for (long end = System.nanoTime() + 600_000_000L; System.nanoTime() < end; ) {
            lastFrame = System.nanoTime();
            stage.frameProcessed("door", frame(lastFrame), null, List.of(), lastFrame);
            Thread.sleep(10);
        }
        int beating = t.size();
        assertTrue(beating >= 8, "toggles every 50 ms while frames flow: " + beating);
        Thread.sleep(400);
        Change last = t.getLast();
        assertFalse(last.high(), "rests off once stopped");
        // The last change is the stop itself (to off): it comes at most two periods after the last frame.
        double after = ms(last.nanos() - lastFrame);
        assertTrue(after <= 2 * 50 + 15, "stopped " + after + " ms after the last frame; allowed 2 periods (100 ms)");
        assertTrue(t.size() - beating <= 3, "no toggling after the stall: " + t.size() + " vs " + beating);
        int stopped = t.size();
        Thread.sleep(200);
        assertEquals(stopped, t.size(), "quiet while nothing flows");
        // A failing inference stops it too, even while frames are processed before it.
        long now = System.nanoTime();
        stage.frameProcessed("door", frame(now), null, List.of(), now);
        await(() -> t.size() > stopped, 500, "beats again");
        stage.failed("door", "inference", new IllegalStateException("boom"));
        Thread.sleep(150);
        int afterFailure = t.size();
        Thread.sleep(150);
        assertEquals(afterFailure, t.size(), "no beat after a failure");
        System.out.printf("heartbeat: last edge %.1f ms after the last frame, none after (period 50 ms)%n", after);
    }

    @Test
    void everyOutputIsSafeAfterShutdown() throws Exception {
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
        long now = System.nanoTime();
        stage.frameProcessed("door", frame(now), null, List.of(), now);
        person();
        await(() -> !pins.level("relay") && pins.level("led") && pins.level("buzzer"), 1000, "all on");
        stage.close();
        assertTrue(pins.level("relay"), "active-low relay off = HIGH");
        assertFalse(pins.level("led"));
        assertFalse(pins.level("buzzer"));
        assertFalse(pins.level("heartbeat"));
        Thread.sleep(100);
        assertFalse(pins.level("buzzer"), "no timer turns anything on after shutdown");
        stage = null;
    }

    @Test
    void aGpioErrorSetsEveryOutputSafe() throws Exception {
        VigilConfig cfg = ConfigLoader.parse(CAMERA + """
                gpio:
                  outputs:
                    led: { pin: 23, kind: led }
                    relay: { pin: 24, kind: relay }
                  actions:
                    - { group: animal, output: led, latch: true }
                    - { group: person, output: relay, pulse_ms: 100 }
                """, tmp, Map.of());
        pins = Pi4jPins.mock("test");
        FailingPins failing = new FailingPins(pins, "relay");
        stage = GpioStage.start(cfg, failing);
        fire("animal", System.nanoTime());
        await(() -> pins.level("led"), 1000, "led latched");
        person(); // the relay's write fails
        await(() -> stage.errors() == 1, 1000, "error counted");
        await(() -> !pins.level("led"), 1000, "every output off after the error");
    }

    @Test
    void aPirKeepsInferenceOffUntilItSeesSomeoneAndForItsHoldTime() throws Exception {
        start("""
                gpio:
                  inputs: { pir: { pin: 27, kind: wake, pull: down, hold_s: 0.3, debounce_ms: 0 } }
                """);
        assertEquals("wake", stage.skip("door"), "nobody there: no inference");
        pins.mockLevel("pir", true);
        assertNull(stage.skip("door"), "someone there");
        pins.mockLevel("pir", false);
        assertNull(stage.skip("door"), "within the hold time");
        Thread.sleep(400);
        assertEquals("wake", stage.skip("door"), "after the hold time");
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
