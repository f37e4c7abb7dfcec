package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.capture.Redact;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ${VAR}} brings in is masked by value, whatever its characters; what is not a secret is left alone. */
class SecretsTest {

    @AfterEach
    void forget() {
        Secrets.clear();
    }

    static VigilConfig parse(String camerasSource, Map<String, String> env) {
        return ConfigLoader.parse("""
                cameras:
                  door:
                    source: %s
                    groups: { person: { labels: [person] } }
                """.formatted(camerasSource), Path.of("/etc/vigil"), env);
    }

    @Test
    void aPasswordWithASpaceIsMaskedWhereThePatternCannotSeeItsEnd() {
        String url = "rtsp://vigil:pa ss9Q@192.168.1.20/stream1";
        assertTrue(Redaction.redact(url).contains("ss9Q"), "the URL pattern alone leaks it: " + Redaction.redact(url));
        parse("{ stream: \"rtsp://vigil:${RTSP_PASSWORD}@192.168.1.20/stream1\" }", Map.of("RTSP_PASSWORD", "pa ss9Q"));
        assertEquals("rtsp://vigil:***@192.168.1.20/stream1", Redaction.redact(url));
        assertEquals("rtsp://vigil:***@192.168.1.20/stream1", Redact.text(url));
        assertEquals("open rtsp://vigil:***@h failed", Secrets.redact("open rtsp://vigil:pa%20ss9Q@h failed"));
        assertEquals("open rtsp://vigil:***@h failed", Secrets.redact("open rtsp://vigil:pa+ss9Q@h failed"));
        assertEquals("{\"msg\":\"***\"}", Secrets.redact("{\"msg\":\"pa ss9Q\"}"));
    }

    @Test
    void urlSyntaxCharactersInAPasswordAreMaskedInEveryForm() {
        String pw = "p/w#d?x@y:z";
        parse("{ stream: \"rtsp://vigil:${RTSP_PASSWORD}@192.168.1.20/stream1\" }", Map.of("RTSP_PASSWORD", pw));
        assertEquals("cannot open rtsp://vigil:***@192.168.1.20/stream1: refused",
                Secrets.redact("cannot open rtsp://vigil:" + pw + "@192.168.1.20/stream1: refused"));
        assertEquals("*** and ***", Secrets.redact("p%2Fw%23d%3Fx%40y%3Az and p%2fw%23d%3fx%40y%3az"));
    }

    @Test
    void aValueKeptPercentEncodedIsAlsoMaskedDecoded() {
        parse("{ stream: \"rtsp://vigil:${RTSP_PASSWORD}@cam/s\" }", Map.of("RTSP_PASSWORD", "pa%20ss9Q"));
        assertEquals("*** ***", Secrets.redact("pa ss9Q pa%20ss9Q"));
    }

    @Test
    void shortValuesDefaultsPathsAndNumbersAreNotSecrets() {
        VigilConfig c = ConfigLoader.parse("""
                cameras:
                  door:
                    source: { folder: "${IMAGES}", fps: "${FPS}" }
                    groups: { person: { labels: [person], min_score: "${SCORE:-0.55}" } }
                  yard:
                    source: { stream: "rtsp://u:${SHORT}@cam/${PATH_PART:-stream1}" }
                    groups: { person: { labels: [person] } }
                """, Path.of("/etc/vigil"), Map.of("IMAGES", "/srv/images", "FPS", "12.5", "SHORT", "abc"));
        assertEquals(2, c.cameras().size());
        assertFalse(Secrets.any(), "nothing held secret");
        assertEquals("/srv/images 12.5 0.55 abc stream1", Secrets.redact("/srv/images 12.5 0.55 abc stream1"));
        assertEquals("rtsp://u:***@cam/stream1", Redaction.redact("rtsp://u:abc@cam/stream1"), "the pattern still masks it in a URL");
    }

    @Test
    void theLongestSecretWinsWhenOneHoldsAnother() {
        Secrets.register("hunter");
        Secrets.register("hunter2000");
        assertEquals("x *** y ***", Secrets.redact("x hunter2000 y hunter"));
    }

    @Test
    void textWithoutASecretIsTheSameInstance() {
        Secrets.register("hunter2");
        String s = "camera door: UP";
        assertSame(s, Secrets.redact(s));
    }

    @Test
    void everyTextOfAJsonTreeIsMasked() throws Exception {
        Secrets.register("pa ss9Q");
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree("""
                {"cameras":[{"name":"door","reason":"cannot open: rtsp://vigil:pa ss9Q@cam/s","fps":2.5}],
                 "nested":{"list":["pa ss9Q", 3]}}""");
        assertEquals("{\"cameras\":[{\"name\":\"door\",\"reason\":\"cannot open: rtsp://vigil:***@cam/s\",\"fps\":2.5}],"
                + "\"nested\":{\"list\":[\"***\",3]}}", Secrets.redact(o).toString());
    }
}
