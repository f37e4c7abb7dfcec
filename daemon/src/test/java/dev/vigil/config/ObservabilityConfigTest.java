package dev.vigil.config;

import static dev.vigil.config.ConfigErrorsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The power:, logging: and drift: sections: defaults, values, errors naming the key path, and writing them back. */
class ObservabilityConfigTest {

    static final String CAMERA = "cameras:\n  door:\n    source: { folder: /srv/frames }\n    groups: { person: { labels: [person] } }\n";

    static VigilConfig parse(String yaml) {
        return ConfigLoader.parse(yaml + CAMERA, Path.of("/etc/vigil"), Map.of());
    }

    @Test
    void withoutTheSectionsTheDefaultsApply() {
        VigilConfig c = parse("");
        assertEquals(PowerConfig.DEFAULT, c.power());
        assertEquals(LoggingConfig.DEFAULT, c.logging());
        assertEquals(new DriftConfig(0.1), c.drift());
    }

    @Test
    void theDriftBandIsAMarginAboveEachGroupsThreshold() {
        assertEquals(new DriftConfig(0.05), parse("drift: { uncertain_margin: 0.05 }\n").drift());
        assertEquals(new DriftConfig(0), parse("drift: { uncertain_margin: 0 }\n").drift());
        assertEquals("drift.uncertain_margin: 1.5 is not within 0..1", error("drift: { uncertain_margin: 1.5 }\n" + CAMERA));
        assertEquals("drift.uncertain: unknown key; expected one of uncertain_margin", error("drift: { uncertain: [0.3, 0.6] }\n" + CAMERA));
        VigilConfig c = parse("drift: { uncertain_margin: 0.2 }\n");
        assertEquals(c.drift(), ConfigLoader.parse(ConfigLoader.toYaml(c), Path.of("/etc/vigil"), Map.of()).drift());
    }

    @Test
    void valuesAreReadAndRelativeLogPathsResolveAgainstTheConfigFolder() {
        VigilConfig c = parse("""
                power: { source: RAPL, idle_watts: 4.5, busy_watts: 12, interval_s: 0.5 }
                logging: { level: debug, format: json, file: { path: logs/vigil.log, max_size: 2MB, max_files: 3 } }
                """);
        assertEquals(new PowerConfig("rapl", 4.5, 12, Duration.ofMillis(500)), c.power());
        assertEquals(new LoggingConfig("debug", "json", Optional.of(new LoggingConfig.FileLog(Path.of("/etc/vigil/logs/vigil.log"), 2 << 20, 3))),
                c.logging());
    }

    @Test
    void errorsNameTheKeyPathAndTheBadValue() {
        assertEquals("power.source: \"tegrastats\" is not one of auto, ina3221, pmic, hwmon, rapl, estimate, off",
                error("power: { source: tegrastats }\n" + CAMERA));
        assertEquals("power.busy_watts: 2 is below idle_watts 3; busy draw is at least the idle draw",
                error("power: { idle_watts: 3, busy_watts: 2 }\n" + CAMERA));
        assertEquals("power.idle_watts: \"lots\" is not a number", error("power: { idle_watts: lots }\n" + CAMERA));
        assertEquals("power.interval_s: 0.01 must be at least 0.1", error("power: { interval_s: 0.01 }\n" + CAMERA));
        assertEquals("power.watts: unknown key; expected one of source, idle_watts, busy_watts, interval_s",
                error("power: { watts: 5 }\n" + CAMERA));
        assertEquals("logging.level: \"verbose\" is not one of error, warn, info, debug, trace", error("logging: { level: verbose }\n" + CAMERA));
        assertEquals("logging.format: \"xml\" is not one of text, json", error("logging: { format: xml }\n" + CAMERA));
        assertEquals("logging.file.path: missing; give the log file, e.g. /var/lib/vigil/vigil.log",
                error("logging: { file: { max_size: 1MB } }\n" + CAMERA));
        assertEquals("logging.file.max_size: 1KB is too small; give at least 4KB, e.g. 10MB",
                error("logging: { file: { path: /tmp/v.log, max_size: 1KB } }\n" + CAMERA));
        assertEquals("logging.file.max_files: 0 is not within 1..100", error("logging: { file: { path: /tmp/v.log, max_files: 0 } }\n" + CAMERA));
        assertEquals("logging: expected a mapping of logging settings (level, format, file), got \"debug\"", error("logging: debug\n" + CAMERA));
    }

    @Test
    void theSectionsWriteBackToTheSameConfig() {
        VigilConfig c = parse("""
                power: { source: estimate, idle_watts: 2.5, busy_watts: 9, interval_s: 3 }
                logging: { level: warn, file: { path: /var/log/vigil.log } }
                """);
        VigilConfig back = ConfigLoader.parse(ConfigLoader.toYaml(c), Path.of("/etc/vigil"), Map.of());
        assertEquals(c.power(), back.power());
        assertEquals(c.logging(), back.logging());
    }
}
