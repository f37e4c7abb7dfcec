package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.SourceSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command camera's {@code env:}: the only variables besides PATH, HOME, LANG, LC_* and TZ its child gets. */
class CommandEnvTest {

    static VigilConfig parse(String source, Map<String, String> env) {
        return ConfigLoader.parse("""
                cameras:
                  pi:
                    source: %s
                    groups: { person: { labels: [person] } }
                """.formatted(source), Path.of("/etc/vigil"), env);
    }

    static SourceSpec.Command command(VigilConfig c) {
        return (SourceSpec.Command) c.cameras().get("pi").source();
    }

    @Test
    void aMappingSetsValuesAndAListPassesNamesOn() {
        Map<String, String> daemon = Map.of("CAM_TOKEN", "tok en9Z", "XDG_RUNTIME_DIR", "/run/user/1000");
        assertEquals(Map.of("TOKEN", "tok en9Z", "LEVEL", "2"),
                command(parse("{ command: rpicam-vid, env: { TOKEN: \"${CAM_TOKEN}\", LEVEL: 2 } }", daemon)).env());
        assertEquals(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"),
                command(parse("{ command: rpicam-vid, env: [XDG_RUNTIME_DIR] }", daemon)).env());
        assertEquals(Map.of(), command(parse("{ command: rpicam-vid }", daemon)).env());
        assertEquals("***", Secrets.redact("tok en9Z"), "a value from the environment is held secret");
    }

    @Test
    void theChildEnvironmentIsTheBaseAndEnvNothingElse() {
        SourceSpec.Command c = new SourceSpec.Command(java.util.List.of("rpicam-vid"), true, new java.util.TreeMap<>(Map.of("TOKEN", "t", "TZ", "UTC")));
        Map<String, String> daemon = Map.of("PATH", "/usr/bin", "HOME", "/var/lib/vigil", "LANG", "C.UTF-8", "LC_ALL", "C",
                "TZ", "Europe/Paris", "RTSP_PASSWORD", "pa ss9Q", "LCX", "no", "JOURNAL_STREAM", "8:1");
        assertEquals(Map.of("PATH", "/usr/bin", "HOME", "/var/lib/vigil", "LANG", "C.UTF-8", "LC_ALL", "C", "TZ", "UTC", "TOKEN", "t"),
                c.childEnvironment(daemon));
        assertEquals("Command[argv=[rpicam-vid], restart=true, env=[TOKEN, TZ]]", c.toString(), "names only: the values may be secrets");
    }

    @Test
    void mistakesAreOneLineNamingTheKey() {
        assertEquals("cameras.pi.source.env[0]: environment variable CAM_TOKEN is not set; set it, or remove it from env",
                assertThrows(ConfigException.class, () -> parse("{ command: x, env: [CAM_TOKEN] }", Map.of())).getMessage());
        assertEquals("cameras.pi.source.env: \"CAM-TOKEN\" is not a variable name; use letters, digits and _",
                assertThrows(ConfigException.class, () -> parse("{ command: x, env: { CAM-TOKEN: y } }", Map.of())).getMessage());
        String folder = assertThrows(ConfigException.class, () -> parse("{ folder: x, env: [A] }", Map.of())).getMessage();
        assertTrue(folder.startsWith("cameras.pi.source.env: unknown key for a folder source"), folder);
    }

    @Test
    void printedEnvReadsBackWithItsSecretsMasked() {
        VigilConfig c = parse("{ command: rpicam-vid, env: { TOKEN: \"${CAM_TOKEN}\", LEVEL: 2 } }", Map.of("CAM_TOKEN", "tok en9Z"));
        String printed = ConfigLoader.toYaml(c);
        assertTrue(printed.contains("TOKEN: '***'") || printed.contains("TOKEN: \"***\""), printed);
        assertEquals(Map.of("TOKEN", "***", "LEVEL", "2"), command(ConfigLoader.parse(printed, Path.of("/etc/vigil"), Map.of())).env());
    }
}
