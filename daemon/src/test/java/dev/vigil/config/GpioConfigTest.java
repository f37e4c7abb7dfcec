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

/** The gpio:, alarm: and qc: sections: what they read, their defaults, and one line naming the key for every mistake. */
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

    static VigilConfig config(String yaml) {
        return ConfigLoader.parse(CAMERAS + yaml, Path.of("/etc/vigil"), Map.of());
    }

    static GpioConfig gpio(String yaml) {
        return config(yaml).gpio();
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
        VigilConfig c = config("""
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
                  actions:
                    - { group: person, camera: door, output: relay, pulse_ms: 2000 }
                    - { state: triggered, output: buzzer, pattern: { on_ms: 100, repeats: 2 } }
                    - { group: animal, output: buzzer, latch: true }
                alarm: { groups: [person], cooldown_s: 5 }
                qc:
                  line1: { trigger: barrier, reject: reject, delay_ms: 600, ok_labels: [hotdog], ng_labels: [Egyptian cat] }
                """);
        GpioConfig g = c.gpio();
        assertEquals(List.of(), c.warnings());
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
        assertEquals(new AlarmConfig(Set.of("person"), Duration.ofSeconds(10), Duration.ofSeconds(5)), c.alarm());
        assertEquals(3, g.actions().size());
        GpioConfig.Action a = g.actions().get(0);
        assertEquals(Optional.of("door"), a.camera());
        assertEquals(Optional.of("person"), a.group());
        assertEquals(new Effect.Pulse(Duration.ofMillis(2000)), a.effect());
        assertEquals(Optional.of(AlarmState.TRIGGERED), g.actions().get(1).state());
        assertEquals(new Effect.Pattern(Duration.ofMillis(100), Duration.ofMillis(100), 2), g.actions().get(1).effect(), "off_ms defaults to on_ms");
        assertEquals(new Effect.Latch(), g.actions().get(2).effect());
        QcConfig q = c.qc().get("line1");
        assertEquals(new QcConfig("line1", "barrier", "reject", Duration.ofMillis(600), Duration.ofMillis(200), Set.of("hotdog"),
                Set.of("Egyptian cat"), 0.5f, 0.5f, Duration.ofSeconds(1), false, Path.of("/var/lib/vigil/events/qc-line1.jsonl"),
                QcConfig.Snapshots.NG), q, "the audit goes beside the events by default");
    }

    @Test
    void withoutAlarmAndQcSectionsTheDefaultsApplyWithoutGpioToo() {
        VigilConfig c = config("");
        assertEquals(AlarmConfig.DEFAULT, c.alarm());
        assertEquals(Map.of(), c.qc());
        assertEquals(new AlarmConfig(Set.of("animal"), Duration.ofSeconds(2), Duration.ZERO),
                config("alarm: { groups: [animal], triggered_s: 2, cooldown_s: 0 }").alarm(), "an alarm needs no gpio: section");
    }

    static final String QC_WIRING = "outputs: { r: { pin: 5, kind: relay } }, inputs: { b: { pin: 4, kind: trigger } }";

    @Test
    void theOldPlacesUnderGpioStillWorkWithOneWarningEach() {
        VigilConfig c = config("gpio: { " + QC_WIRING + ", alarm: { groups: [person], cooldown_s: 5 },"
                + " qc: { line1: { trigger: b, reject: r, ok_labels: [a] } } }");
        assertEquals(List.of("gpio.alarm is deprecated: move it to the top-level alarm:",
                "gpio.qc is deprecated: move it to the top-level qc:"), c.warnings());
        assertEquals(new AlarmConfig(Set.of("person"), Duration.ofSeconds(10), Duration.ofSeconds(5)), c.alarm());
        assertEquals("b", c.qc().get("line1").trigger());
        VigilConfig moved = config("gpio: { " + QC_WIRING + " }\nalarm: { groups: [person], cooldown_s: 5 }\n"
                + "qc: { line1: { trigger: b, reject: r, ok_labels: [a] } }");
        assertEquals(c.alarm(), moved.alarm());
        assertEquals(c.qc(), moved.qc());
        assertEquals(c.gpio(), moved.gpio());
        assertEquals(List.of(), moved.warnings());
        assertEquals(ConfigLoader.toYaml(moved), ConfigLoader.toYaml(c), "printed in their new places");
        assertTrue(ConfigLoader.toYaml(c).contains("\nalarm:\n"), ConfigLoader.toYaml(c));
        assertEquals("gpio.alarm.cooldown_s: -1 must be at least 0", error("gpio: { alarm: { cooldown_s: -1 } }"),
                "an error in the old place names the key as written");
    }

    @Test
    void bothPlacesAtOnceIsAnError() {
        assertEquals("gpio.alarm: both alarm and gpio.alarm given; keep the top-level alarm: only (gpio.alarm is deprecated)",
                error("alarm: { cooldown_s: 1 }\ngpio: { alarm: { cooldown_s: 2 } }"));
        assertEquals("gpio.qc: both qc and gpio.qc given; keep the top-level qc: only (gpio.qc is deprecated)",
                error("qc: {}\ngpio: { " + QC_WIRING + ", qc: { line1: { trigger: b, reject: r, ok_labels: [a] } } }"));
    }

    @Test
    void theExamplesHaveTheirWiring() {
        GpioConfig door = ConfigLoader.load(TestData.root().resolve("config/doorbell.yaml"), Map.of("RTSP_PASSWORD", "x")).gpio();
        assertEquals(Set.of("buzzer", "led", "relay"), door.outputs().keySet());
        assertTrue(door.outputs().get("relay").activeLow());
        assertEquals(InputKind.ARM, door.inputs().get("arm").kind());
        assertEquals(InputKind.WAKE, door.inputs().get("pir").kind());
        assertTrue(door.heartbeat().isPresent());
        VigilConfig factory = ConfigLoader.load(TestData.root().resolve("config/factory-line.yaml"), Map.of());
        GpioConfig line = factory.gpio();
        QcConfig q = factory.qc().get("line1");
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
            assertEquals(c.alarm(), back.alarm(), file + ":\n" + yaml);
            assertEquals(c.qc().keySet(), back.qc().keySet(), file + ":\n" + yaml);
            assertEquals(List.of(), c.warnings(), file + " uses no deprecated key");
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
        assertEquals("qc.line1.trigger: \"arm\" is not an input of kind trigger under gpio.inputs",
                error("gpio: { outputs: { r: { pin: 5, kind: relay } }, inputs: { arm: { pin: 4, kind: arm } } }\nqc: { line1: { trigger: arm, reject: r, ok_labels: [a] } }"));
        assertEquals("qc.line1.reject: \"x\" is not an output under gpio.outputs (r)",
                error("gpio: { " + QC_WIRING + " }\nqc: { line1: { trigger: b, reject: x, ok_labels: [a] } }"));
        assertEquals("qc.line1.trigger: \"b\" is not an input of kind trigger under gpio.inputs",
                error("qc: { line1: { trigger: b, reject: x, ok_labels: [a] } }"), "qc: without gpio: has no trigger");
        assertEquals("qc.line1: give ok_labels or ng_labels (or both): the labels of a good or a bad part",
                error("gpio: { " + QC_WIRING + " }\nqc: { line1: { trigger: b, reject: r } }"));
        assertEquals("gpio.qc.line1: give ok_labels or ng_labels (or both): the labels of a good or a bad part",
                error("gpio: { " + QC_WIRING + ", qc: { line1: { trigger: b, reject: r } } }"), "the old place names the old key");
        assertEquals("qc.yard: is not a camera of this config (door, line1)", error("qc: { yard: { trigger: b } }"));
        assertEquals("alarm.groups[0]: \"persons\" is not a group of any camera (person, animal, ng)",
                error("alarm: { groups: [persons] }"));
        assertEquals("gpio.heartbeat.period_ms: 5 is not within 10..60000", error("gpio: { heartbeat: { pin: 4, period_ms: 5 } }"));
        assertEquals("gpio.outputs.heartbeat: is the heartbeat's name; configure it under gpio.heartbeat: {pin, period_ms}",
                error("gpio: { outputs: { heartbeat: { pin: 4, kind: led } } }"));
        assertEquals("gpio.inputs.relay: is also the name of an output; give each pin its own name",
                error("gpio: { outputs: { relay: { pin: 4, kind: relay } }, inputs: { relay: { pin: 5, kind: arm } } }"));
        assertEquals("gpio.buzzer: unknown key; expected one of mock, chip, outputs, inputs, heartbeat, actions",
                error("gpio: { buzzer: 18 }"));
        assertEquals("gpio.mock: \"maybe\" is not true or false", error("gpio: { mock: maybe }"));
    }
}
