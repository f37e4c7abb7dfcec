package dev.vigil.config;

import static dev.vigil.config.ConfigErrorsTest.error;
import static dev.vigil.config.ConfigLoaderTest.camera;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.capture.SourceSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ${VAR} and ${VAR:-default} in values: secrets come from the environment, and never show up in an error. */
class EnvSubstitutionTest {

    static VigilConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, Path.of("/etc/vigil"), env);
    }

    static String url(VigilConfig c) {
        return ((SourceSpec.Stream) c.cameras().get("door").source()).url();
    }

    @Test
    void aVariableInsideAUrl() {
        VigilConfig c = parse(camera("{ stream: \"rtsp://admin:${RTSP_PASSWORD}@10.0.0.7/s1\" }", ""), Map.of("RTSP_PASSWORD", "hunter2"));
        assertEquals("rtsp://admin:hunter2@10.0.0.7/s1", url(c));
    }

    @Test
    void theDefaultAppliesWhenUnsetOrEmptyAsInTheShell() {
        String yaml = camera("{ stream: \"rtsp://${CAM_HOST:-10.0.0.7}/s1\" }", "");
        assertEquals("rtsp://10.0.0.7/s1", url(parse(yaml, Map.of())));
        assertEquals("rtsp://10.0.0.7/s1", url(parse(yaml, Map.of("CAM_HOST", ""))));
        assertEquals("rtsp://cam.lan/s1", url(parse(yaml, Map.of("CAM_HOST", "cam.lan"))));
        assertEquals("rtsp://a:@h/s", url(parse(camera("{ stream: \"rtsp://a:${EMPTY}@h/s\" }", ""), Map.of("EMPTY", ""))),
                "a set but empty variable without a default is empty, as in the shell");
    }

    @Test
    void numbersBooleansAndListItemsComeFromVariablesToo() {
        VigilConfig c = parse("threads: ${THREADS:-3}\n" + camera("{ command: [\"${CAM_TOOL}\", -o, \"-\"], restart: \"${RESTART}\" }",
                "tracking: ${TRACKING:-false}"), Map.of("CAM_TOOL", "rpicam-vid", "RESTART", "false"));
        assertEquals(3, c.inference().threads());
        assertEquals(new SourceSpec.Command(List.of("rpicam-vid", "-o", "-"), false), c.cameras().get("door").source());
        assertFalse(c.cameras().get("door").rules().tracking());
    }

    @Test
    void aDoubleDollarWritesALiteralReference() {
        VigilConfig c = parse(camera("{ command: \"sh -c 'echo $${HOME} $HOME'\" }", ""), Map.of("HOME", "/root"));
        assertEquals(List.of("sh", "-c", "echo ${HOME} $HOME"), ((SourceSpec.Command) c.cameras().get("door").source()).argv());
    }

    @Test
    void aMissingVariableNamesTheKeyAndTheVariable() {
        assertEquals("cameras.door.source.stream: environment variable RTSP_PASSWORD is not set; set it or write ${RTSP_PASSWORD:-default}",
                error(camera("{ stream: \"rtsp://admin:${RTSP_PASSWORD}@10.0.0.7/s1\" }", "")));
        assertEquals("cameras.door.source.command[1]: environment variable OUT is not set; set it or write ${OUT:-default}",
                error(camera("{ command: [tool, \"${OUT}\"] }", "")));
    }

    @Test
    void aMalformedReferenceIsAnError() {
        assertEquals("cameras.door.source.folder: \"${IMAGES\" has no closing }; write ${NAME} or ${NAME:-default}",
                error(camera("{ folder: \"${IMAGES\" }", "")));
        assertEquals("cameras.door.source.folder: \"${MY IMAGES}\" is not a variable reference; write ${NAME} or ${NAME:-default}",
                error(camera("{ folder: \"${MY IMAGES}\" }", "")));
    }

    @Test
    void anErrorShowsTheReferenceNeverTheSecretBehindIt() {
        Map<String, String> env = Map.of("RTSP_PASSWORD", "hunter2", "T", "hunter2");
        String m = error("threads: ${T}\n" + camera("{ folder: x }", ""), env);
        assertEquals("threads: \"${T}\" is not a whole number", m);
        String s = error(camera("{ stream: \"rtps://admin:${RTSP_PASSWORD}@cam/s1\" }", ""), env);
        assertEquals("cameras.door.source.stream: \"rtps://admin:***@cam/s1\" is not rtsp://, http://, https://", s);
        String t = error(camera("{ stream: \"rtps://admin:hunter2@cam/s1\" }", ""), env);
        assertFalse(t.contains("hunter2"), t);
    }

    @Test
    void keysAreNotSubstituted() {
        assertEquals("cameras.${CAM}: a camera name is lowercase letters, digits, '_' and '-' (it becomes a metric tag and a file name)",
                error("cameras:\n  ${CAM}: { source: { folder: x }, groups: { p: { labels: [p] } } }", Map.of("CAM", "door")));
    }
}
