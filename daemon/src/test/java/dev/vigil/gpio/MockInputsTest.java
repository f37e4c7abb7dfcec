package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.alarm.AlarmState;
import dev.vigil.alarm.AlarmStatus;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.GpioConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The doorbell tried on a PC: its arm switch and PIR are mock inputs, set from the command line. */
class MockInputsTest {

    @TempDir
    Path tmp;

    /** The doorbell's inputs: a key switch to ground (pull-up, active-low) and a PIR (pull-down). */
    VigilConfig doorbell() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (String f : List.of("grace_hopper.bmp", "astronaut.png")) Files.copy(TestData.image(f), images.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 50 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    confirm: { frames: 1, of: 1 }
                    tracking: false
                alarm: { groups: [person], triggered_s: 10 }
                gpio:
                  mock: true
                  outputs: { relay: { pin: 24, kind: relay, active_low: true } }
                  inputs:
                    arm: { pin: 17, kind: arm, pull: up, active_low: true }
                    pir: { pin: 27, kind: wake, pull: down, hold_s: 30 }
                  actions: [ { group: person, output: relay, pulse_ms: 2000 } ]
                """.formatted(tmp.resolve("events"), images), tmp, Map.of());
    }

    @Test
    void levelsAreReadByNameOrKindAsMeaningOrAsPhysicalLevel() throws Exception {
        GpioConfig gpio = doorbell().gpio();
        // arm is active-low: active is LOW; the PIR is active-high.
        assertEquals(Map.of("arm", false, "pir", true), MockInputs.parse(List.of("arm=active", "wake=active"), gpio));
        assertEquals(Map.of("arm", true, "pir", false), MockInputs.parse(List.of("arm=HIGH", "pir=inactive"), gpio));
    }

    @Test
    void anUnknownInputOrLevelIsOneLineNamingIt() throws Exception {
        GpioConfig gpio = doorbell().gpio();
        assertEquals("--mock-input piir=active: no input piir in gpio.inputs (inputs: arm, pir)",
                assertThrows(IllegalArgumentException.class, () -> MockInputs.parse(List.of("piir=active"), gpio)).getMessage());
        assertEquals("--mock-input arm=on: \"on\" is not one of active, inactive, high, low",
                assertThrows(IllegalArgumentException.class, () -> MockInputs.parse(List.of("arm=on"), gpio)).getMessage());
        assertEquals("--mock-input arm: give NAME=LEVEL, e.g. arm=active",
                assertThrows(IllegalArgumentException.class, () -> MockInputs.parse(List.of("arm"), gpio)).getMessage());
        VigilConfig none = ConfigLoader.parse("cameras: { door: { source: { folder: %s }, groups: { p: { labels: [person] } } } }"
                .formatted(tmp), tmp, Map.of());
        assertEquals("--mock-input arm=active: the config has no gpio.inputs",
                assertThrows(IllegalArgumentException.class, () -> MockInputs.parse(List.of("arm=active"), none.gpio())).getMessage());
    }

    @Test
    void realGpioRefusesMockInputs() throws Exception {
        VigilConfig cfg = doorbell();
        Pi4jPins mock = Pi4jPins.mock("test");
        GpioPins chip = new GpioPins() { // what a machine with a GPIO chip gives
            boolean closed;
            public OutputPin output(String name, int bcm, boolean activeLow) { return mock.output(name, bcm, activeLow); }
            public InputPin input(String name, int bcm, GpioConfig.Pull pull, boolean activeLow, int debounceMicros) {
                return mock.input(name, bcm, pull, activeLow, debounceMicros);
            }
            public String description() { return "/dev/gpiochip0 (pinctrl-rp1, 54 lines)"; }
            public boolean isMock() { return false; }
            public boolean level(String name) { return mock.level(name); }
            public void close() { mock.close(); }
        };
        var pins = MockInputs.pins(c -> chip, Map.of("arm", false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pins.apply(cfg));
        assertEquals("--mock-input: GPIO is /dev/gpiochip0 (pinctrl-rp1, 54 lines) here, not the mock; drop --mock-input, or set "
                + "gpio.mock: true to try the config without the hardware", e.getMessage());
    }

    AlarmStatus run(Map<String, Boolean> levels, ListAppender<ILoggingEvent> logs, long[] processed, long[] skipped) throws Exception {
        VigilConfig cfg = doorbell();
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false);
        Logger gpioLog = (Logger) LoggerFactory.getLogger(GpioStage.class);
        logs.start();
        gpioLog.addAppender(logs);
        Vigil v = Wiring.start(cfg, parts.withPins(MockInputs.pins(parts.pins(), levels)));
        try {
            assertTrue(v.awaitStopped(Duration.ofSeconds(60)));
        } finally {
            v.close(); // the consumers drained: the counters are final
            gpioLog.detachAppender(logs);
        }
        processed[0] = v.frames().processed("door");
        skipped[0] = v.frames().gateSkipped("door");
        return v.decisions().alarms().status().getFirst();
    }

    @Test
    void atRestTheDoorbellSaysWhyItDoesNothingAndWithBothInputsActiveItRings() throws Exception {
        ListAppender<ILoggingEvent> rest = new ListAppender<>();
        long[] processed = new long[1], skipped = new long[1];
        AlarmStatus idle = run(Map.of(), rest, processed, skipped);
        assertEquals(AlarmState.DISARMED, idle.state());
        assertEquals(0, processed[0], "the PIR at rest: no inference");
        assertEquals(2, skipped[0], "both frames skipped as wake");
        List<String> said = rest.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("gpio: mock input")).toList();
        assertEquals(List.of(
                "gpio: mock input arm (arm) is inactive: camera door stays disarmed (no alarm, no action); set it with vigil run --mock-input arm=active",
                "gpio: mock input pir (wake) is inactive: camera door runs no inference (frames skipped as \"wake\"); set it with vigil run --mock-input pir=active"),
                said);

        ListAppender<ILoggingEvent> set = new ListAppender<>();
        AlarmStatus rang = run(MockInputs.parse(List.of("arm=active", "pir=active"), doorbell().gpio()), set, processed, skipped);
        assertEquals(2, processed[0]);
        assertEquals(0, skipped[0]);
        assertEquals(AlarmState.TRIGGERED, rang.state());
        assertTrue(rang.triggers() >= 1, rang.toString());
        assertFalse(set.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("gpio: mock input")), "nothing at rest to explain");
    }
}
