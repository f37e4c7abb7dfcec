package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.SourceSpec;
import dev.vigil.rules.CameraRules;
import dev.vigil.rules.Confirm;
import dev.vigil.rules.GroupRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The records state the schema's rules: built by code they refuse what the config refuses, naming the key relative
 * to themselves, and the reader puts the path in front.
 */
class ConfigRecordsTest {

    static String error(Executable build) {
        return assertThrows(ConfigException.class, build).getMessage();
    }

    @Test
    void aRecordNamesItsKeyAndTheReaderPlacesIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> new GroupRule("person", Set.of("person"), 1.5f, 0f, 1f));
        assertEquals("min_score: 1.5 is not within 0..1", e.getMessage());
        assertEquals("cameras.door.groups.person.min_score: 1.5 is not within 0..1", e.under("cameras.door.groups.person").getMessage());
        assertEquals("cameras.door.zones[1].name: x", ConfigException.at("zones[1].name", "x").under("cameras.door").getMessage());
        assertEquals("cameras.door.masks[0].points[2][1]: x", ConfigException.at("points[2][1]", "x").under("cameras.door.masks[0]").getMessage());
        assertEquals("cameras.Door: x", ConfigException.at("", "x").under("cameras.Door").getMessage(), "the record's own key");
        assertEquals("threads: x", ConfigException.at("threads", "x").under("").getMessage(), "a top-level record");
        ConfigException placed = ConfigException.at("a", "x").under("b");
        assertSame(placed, placed.under("c"), "placed once: a reader further up leaves it as it is");
    }

    @Test
    void recordsBuiltByCodeRefuseWhatTheConfigRefuses() {
        assertEquals("frames: 0 is not within 1..100", error(() -> new Confirm(0, 1)));
        assertEquals("track_iou: 0 must be above 0 (every box would be the same object)", error(() -> new CameraRules(
                Map.of("p", new GroupRule("p", Set.of("person"), 0.5f, 0f, 1f)), List.of(), List.of(), Confirm.ONE_OF_ONE, Duration.ZERO, true, 0f)));
        assertEquals("cooldown_s: -1 must be at least 0", error(() -> new CameraRules(
                Map.of("p", new GroupRule("p", Set.of("person"), 0.5f, 0f, 1f)), List.of(), List.of(), null, Duration.ofSeconds(-1), false, 0.5f)));
        assertEquals("listen: port 70000 is not within 0..65535", error(() -> new HttpConfig("127.0.0.1", 70000)));
        assertEquals("threads: 0 must be at least 1", error(() -> new InferenceConfig("m", 0, InferenceConfig.Engine.TFLITE,
                dev.vigil.inference.Delegate.CPU, Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals("delay_ms: 600001 is not within 0..600000", error(() -> new QcConfig("line1", "b", "r", Duration.ofMillis(600_001),
                Duration.ofMillis(200), Set.of("ok"), Set.of(), 0.5f, 0.5f, Duration.ofSeconds(1), false, Path.of("/a"), QcConfig.Snapshots.NG)));
        assertEquals("cooldown_s: -0.5 must be at least 0", error(() -> new AlarmConfig(Set.of(), Duration.ZERO, Duration.ofMillis(-500))));
        assertEquals("fps: 0 must be above 0", error(() -> new SourceSpec.Folder(Path.of("/imgs"), 0, false)));
        assertEquals("transport: udp is for rtsp:// streams only; leave transport out for http(s)",
                error(() -> new SourceSpec.Stream("http://cam/video", "udp", null, null)));
        assertEquals("scale_width: 8 is not within 16..4096", error(() -> new MotionConfig(true, 25, 0.01f, 8)));
        assertEquals("max_files: 0 is not within 1..100", error(() -> new LoggingConfig.FileLog(Path.of("/v.log"), 1 << 20, 0)));
        assertEquals("retention.max_count: 0 must be at least 1", error(() -> new EventsConfig(Path.of("/e"), 0, 1, Duration.ofDays(1))));
        assertEquals("retention.max_count: -1 must be at least 1", error(() -> new EventsConfig(Path.of("/e"), -1, 1, Duration.ofDays(1))),
                "the config's rule comes before Retention's own (0 = no limit), so a config user never reads of 0");
    }

    @Test
    void gpioChecksItsPinsAndTheOutputsItsActionsName() {
        var relay = new GpioConfig.Output("relay", 4, GpioConfig.OutputKind.RELAY, false);
        var arm = new GpioConfig.Input("arm", 4, GpioConfig.InputKind.ARM, Duration.ofMillis(20), GpioConfig.Pull.UP, true, Duration.ZERO, List.of());
        assertEquals("inputs.arm.pin: BCM 4 is already used by gpio.outputs.relay.pin; give each part its own pin",
                error(() -> new GpioConfig(true, false, "auto", Map.of("relay", relay), Map.of("arm", arm), Optional.empty(), List.of())));
        var horn = new GpioConfig.Action("gpio.actions[0]", Optional.empty(), Optional.of("person"), Optional.empty(), "horn",
                new GpioConfig.Effect.Latch());
        assertEquals("actions[0].output: \"horn\" is not an output under gpio.outputs (relay)",
                error(() -> new GpioConfig(true, false, "auto", Map.of("relay", relay), Map.of(), Optional.empty(), List.of(horn))));
        assertEquals("pulse_ms: 0 is not within 1..3600000", error(() -> new GpioConfig.Effect.Pulse(Duration.ZERO)));
        assertEquals("config: an output name is lowercase letters, digits, '_' and '-' (it becomes a metric tag)",
                error(() -> new GpioConfig.Output("Relay", 4, GpioConfig.OutputKind.RELAY, false)), "its own key, until a reader places it");
    }

    @Test
    void checkConfigPrintFillsInTheDefaultsOfAbsentSectionsAndReadsBack() {
        VigilConfig c = ConfigLoader.parse("cameras:\n  door: { source: { folder: x }, groups: { p: { labels: [person] } } }\n",
                Path.of("/etc/vigil"), Map.of());
        String yaml = ConfigLoader.toYaml(c);
        for (String key : List.of("\nhttp:\n  listen: 127.0.0.1:8089\n", "\nevents:\n  dir: /etc/vigil/events\n", "    max_age: 30d\n",
                "    confirm:\n      frames: 1\n      of: 1\n", "    motion:\n      enabled: false\n", "\nalarm:\n  triggered_s: 10\n",
                "\npower:\n  source: auto\n", "\nlogging:\n  level: info\n")) {
            assertTrue(yaml.contains(key), key + " in:\n" + yaml);
        }
        VigilConfig back = ConfigLoader.parse(yaml, Path.of("/elsewhere"), Map.of());
        assertEquals(c.cameras(), back.cameras());
        assertEquals(c.events(), back.events());
        assertEquals(yaml, ConfigLoader.toYaml(back));
    }
}
