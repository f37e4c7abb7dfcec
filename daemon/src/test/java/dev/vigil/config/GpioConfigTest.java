package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alarm.AlarmState;
import dev.vigil.config.GpioConfig.Effect;
import dev.vigil.config.GpioConfig.InputKind;
import dev.vigil.config.GpioConfig.OutputKind;
import dev.vigil.config.GpioConfig.Pull;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The gpio: section: what it reads, its defaults, and one line naming the key for every mistake. */
class GpioConfigTest {

    static final String CAMERAS = """
            events: { dir: /var/lib/vigil/events }
            cameras:
              door:
                source: { folder: x }
                groups: { person: { labels: [person] }, animal: { labels: [cat] } }
              line1:
                source: { folder: y }
                groups: { ng: { labels: [beer bottle] } }
            """;

    static GpioConfig gpio(String yaml) {
        return ConfigLoader.parse(CAMERAS + yaml, Path.of("/etc/vigil"), Map.of()).gpio();
    }

    static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> gpio(yaml)).getMessage();
    }

    @Test
    void withoutTheSectionThereIsNoGpio() {
        assertEquals(GpioConfig.NONE, gpio(""));
        assertFalse(GpioConfig.NONE.present());
    }

    @Test
    void everythingIsReadWithItsDefaults() {
        GpioConfig g = gpio("""
                gpio:
                  chip: gpiochip4
                  outputs:
                    relay: { pin: 24, kind: relay, active_low: true }
                    buzzer: { pin: 18, kind: buzzer }
                    reject: { pin: 25, kind: relay }
                  inputs:
                    arm: { pin: 17, kind: arm, pull: up, active_low: true }
                    pir: { pin: 27, kind: wake, cameras: [door] }
                    barrier: { pin: 5, kind: trigger }
                  heartbeat: { pin: 22 }
                  alarm: { groups: [person], cooldown_s: 5 }
                  actions:
                    - { group: person, camera: door, output: relay, pulse_ms: 2000 }
                    - { state: triggered, output: buzzer, pattern: { on_ms: 100, repeats: 2 } }
                    - { group: animal, output: buzzer, latch: true }
                  qc:
                    line1: { trigger: barrier, reject: reject, delay_ms: 600, ok_labels: [hotdog], ng_labels: [Egyptian cat] }
                """);
        assertTrue(g.present());
        assertFalse(g.mock());
        assertEquals("gpiochip4", g.chip());
        assertEquals(new GpioConfig.Output("relay", 24, OutputKind.RELAY, true), g.outputs().get("relay"));
        assertEquals(List.of("relay", "buzzer", "reject"), List.copyOf(g.outputs().keySet()));
        assertEquals(new GpioConfig.Input("arm", 17, InputKind.ARM, Duration.ofMillis(20), Pull.UP, true, Duration.ZERO,
                List.of("door", "line1")), g.inputs().get("arm"), "an arm switch arms every camera unless it names some");
        assertEquals(new GpioConfig.Input("pir", 27, InputKind.WAKE, Duration.ofMillis(20), Pull.OFF, false, Duration.ofSeconds(30),
                List.of("door")), g.inputs().get("pir"));
        assertEquals(Duration.ofMillis(5), g.inputs().get("barrier").debounce(), "a light barrier debounces briefly");
        assertEquals(List.of(), g.inputs().get("barrier").cameras());
        assertEquals(Optional.of(new GpioConfig.Heartbeat(22, Duration.ofMillis(500), Duration.ofMillis(500), false)), g.heartbeat());
        assertEquals(new GpioConfig.Alarm(Set.of("person"), Duration.ofSeconds(10), Duration.ofSeconds(5)), g.alarm());
        assertEquals(3, g.actions().size());
        GpioConfig.Action a = g.actions().get(0);
        assertEquals(Optional.of("door"), a.camera());
        assertEquals(Optional.of("person"), a.group());
        assertEquals(new Effect.Pulse(Duration.ofMillis(2000)), a.effect());
        assertEquals(Optional.of(AlarmState.TRIGGERED), g.actions().get(1).state());
        assertEquals(new Effect.Pattern(Duration.ofMillis(100), Duration.ofMillis(100), 2), g.actions().get(1).effect(), "off_ms defaults to on_ms");
        assertEquals(new Effect.Latch(), g.actions().get(2).effect());
        GpioConfig.Qc q = g.qc().get("line1");
        assertEquals(new GpioConfig.Qc("line1", "barrier", "reject", Duration.ofMillis(600), Duration.ofMillis(200), Set.of("hotdog"),
                Set.of("Egyptian cat"), 0.5f, 0.5f, Duration.ofSeconds(1), false, Path.of("/var/lib/vigil/events/qc-line1.jsonl"),
                GpioConfig.Snapshots.NG), q, "the audit goes beside the events by default");
    }

    @Test
    void theExamplesHaveTheirWiring() {
        GpioConfig door = ConfigLoader.load(TestData.root().resolve("config/doorbell.yaml"), Map.of("RTSP_PASSWORD", "x")).gpio();
        assertEquals(Set.of("buzzer", "led", "relay"), door.outputs().keySet());
        assertTrue(door.outputs().get("relay").activeLow());
        assertEquals(InputKind.ARM, door.inputs().get("arm").kind());
        assertEquals(InputKind.WAKE, door.inputs().get("pir").kind());
        assertTrue(door.heartbeat().isPresent());
        GpioConfig line = ConfigLoader.load(TestData.root().resolve("config/factory-line.yaml"), Map.of()).gpio();
        GpioConfig.Qc q = line.qc().get("line1");
        assertEquals("barrier", q.trigger());
        assertEquals(InputKind.TRIGGER, line.inputs().get("barrier").kind());
        assertEquals("reject", q.reject());
        assertTrue(q.ngLabels().contains("beer bottle"));
        GpioConfig demo = ConfigLoader.load(TestData.root().resolve("config/demo.yaml"), Map.of(ConfigLoader.DEMO_IMAGES_VARIABLE, "/i")).gpio();
        assertTrue(demo.mock(), "the demo drives no hardware");
    }

    @Test
    void toYamlReadsBackTheSameGpio() {
        for (String file : new String[] {"doorbell.yaml", "factory-line.yaml", "demo.yaml"}) {
            VigilConfig c = ConfigLoader.load(TestData.root().resolve("config").resolve(file),
                    Map.of("RTSP_PASSWORD", "x", ConfigLoader.DEMO_IMAGES_VARIABLE, "/i"));
            String yaml = ConfigLoader.toYaml(c);
            VigilConfig back = ConfigLoader.parse(yaml, Path.of("/elsewhere"), Map.of());
            assertEquals(c.gpio(), back.gpio(), file + ":\n" + yaml);
            assertEquals(yaml, ConfigLoader.toYaml(back));
        }
    }

    @Test
    void mistakesNameTheirKey() {
        assertEquals("gpio.outputs.relay.pin: missing; give the BCM GPIO number, e.g. pin: 17 (header pin 11)",
                error("gpio: { outputs: { relay: { kind: relay } } }"));
        assertEquals("gpio.outputs.relay.kind: \"siren\" is not one of buzzer, led, relay",
                error("gpio: { outputs: { relay: { pin: 4, kind: siren } } }"));
        assertEquals("gpio.inputs.arm.pin: BCM 4 is already used by gpio.outputs.relay.pin; give each part its own pin",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, inputs: { arm: { pin: 4, kind: arm } } }"));
        assertEquals("gpio.outputs.relay.pin: 2000 is not within 0..1023",
                error("gpio: { outputs: { relay: { pin: 2000, kind: relay } } }"));
        assertEquals("gpio.outputs.relay.bcm: unknown key; expected one of pin, kind, active_low",
                error("gpio: { outputs: { relay: { bcm: 4, kind: relay } } }"));
        assertEquals("gpio.actions[0].output: \"horn\" is not an output under gpio.outputs (relay)",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, actions: [ { group: person, output: horn, pulse_ms: 5 } ] }"));
        assertEquals("gpio.actions[0].group: \"persons\" is not a group of any camera (person, animal, ng)",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, actions: [ { group: persons, output: relay, pulse_ms: 5 } ] }"));
        assertEquals("gpio.actions[0]: give exactly one of pulse_ms: N, latch: true, pattern: {on_ms, off_ms, repeats}",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, actions: [ { group: person, output: relay, pulse_ms: 5, latch: true } ] }"));
        assertEquals("gpio.actions[0]: give either group: (a rule group fires) or state: (disarmed, armed, triggered, cooldown), not neither",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, actions: [ { output: relay, pulse_ms: 5 } ] }"));
        assertEquals("gpio.actions[0].state: \"alarm\" is not one of disarmed, armed, triggered, cooldown",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, actions: [ { state: alarm, output: relay, pulse_ms: 5 } ] }"));
        assertEquals("gpio.inputs.arm.hold_s: only a wake input has a hold time",
                error("gpio: { inputs: { arm: { pin: 4, kind: arm, hold_s: 3 } } }"));
        assertEquals("gpio.inputs.pir.cameras[0]: \"garden\" is not a camera of this config (door, line1)",
                error("gpio: { inputs: { pir: { pin: 4, kind: wake, cameras: [garden] } } }"));
        assertEquals("gpio.inputs.barrier: a trigger input that no qc station uses; add qc: {CAMERA: {trigger: barrier, reject: OUTPUT}} or remove it",
                error("gpio: { inputs: { barrier: { pin: 4, kind: trigger } } }"));
        assertEquals("gpio.qc.line1.trigger: \"arm\" is not an input of kind trigger under gpio.inputs",
                error("gpio: { outputs: { r: { pin: 5, kind: relay } }, inputs: { arm: { pin: 4, kind: arm } }, qc: { line1: { trigger: arm, reject: r, ok_labels: [a] } } }"));
        assertEquals("gpio.qc.line1: give ok_labels or ng_labels (or both): the labels of a good or a bad part",
                error("gpio: { outputs: { r: { pin: 5, kind: relay } }, inputs: { b: { pin: 4, kind: trigger } }, qc: { line1: { trigger: b, reject: r } } }"));
        assertEquals("gpio.qc.yard: is not a camera of this config (door, line1)",
                error("gpio: { qc: { yard: { trigger: b } } }"));
        assertEquals("gpio.heartbeat.period_ms: 5 is not within 10..60000", error("gpio: { heartbeat: { pin: 4, period_ms: 5 } }"));
        assertEquals("gpio.outputs.heartbeat: is the heartbeat's name; configure it under gpio.heartbeat: {pin, period_ms}",
                error("gpio: { outputs: { heartbeat: { pin: 4, kind: led } } }"));
        assertEquals("gpio.inputs.relay: is also the name of an output; give each pin its own name",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, inputs: { relay: { pin: 5, kind: arm } } }"));
        assertEquals("gpio.buzzer: unknown key; expected one of mock, chip, outputs, inputs, heartbeat, alarm, actions, qc",
                error("gpio: { buzzer: 18 }"));
        assertEquals("gpio.mock: \"maybe\" is not true or false", error("gpio: { mock: maybe }"));
    }
}
