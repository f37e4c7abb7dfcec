package dev.vigil.config;

import static dev.vigil.config.ConfigLoaderTest.camera;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials in URLs are masked wherever the config is printed. */
class RedactionTest {

    @Test
    void thePasswordOfAUrlIsMasked() {
        assertEquals("rtsp://user:***@host:554/stream1", ConfigLoader.redact("rtsp://user:secret@host:554/stream1"));
        assertEquals("https://u:***@cam.lan/video.mjpg?res=hd", Redaction.redact("https://u:p4ss@cam.lan/video.mjpg?res=hd"));
    }

    @Test
    void aUrlWithoutAPasswordIsLeftAlone() {
        assertEquals("rtsp://host/stream1", Redaction.redact("rtsp://host/stream1"));
        assertEquals("rtsp://host:554/s", Redaction.redact("rtsp://host:554/s"));
        assertEquals("rtsp://viewer@host/s", Redaction.redact("rtsp://viewer@host/s"));
        assertEquals("no url here: a:b@c", Redaction.redact("no url here: a:b@c"));
        assertEquals(null, Redaction.redact(null));
    }

    @Test
    void aPasswordWithReservedCharactersStaysMasked() {
        assertEquals("rtsp://admin:***@10.0.0.7/s1", Redaction.redact("rtsp://admin:p@ss/w?rd@10.0.0.7/s1"));
        assertEquals("rtsp://admin:***@10.0.0.7/s1", Redaction.redact("rtsp://admin:p%40ss@10.0.0.7/s1"));
    }

    @Test
    void secretQueryParametersAreMasked() {
        assertEquals("http://cam/video.cgi?user=admin&password=***&res=1",
                Redaction.redact("http://cam/video.cgi?user=admin&password=hunter2&res=1"));
        assertEquals("https://cam/s?token=***", Redaction.redact("https://cam/s?token=abc.def"));
        assertEquals("http://cam/s?keyframe=1", Redaction.redact("http://cam/s?keyframe=1"));
    }

    @Test
    void everyUrlInALineIsMasked() {
        assertEquals("ffmpeg -i rtsp://a:***@h/1 -i \"http://b:***@h/2\" -f mjpeg -",
                Redaction.redact("ffmpeg -i rtsp://a:x@h/1 -i \"http://b:y@h/2\" -f mjpeg -"));
    }

    @Test
    void printingTheConfigNeverShowsThePassword() {
        VigilConfig c = ConfigLoader.parse(camera("{ stream: \"rtsp://admin:${RTSP_PASSWORD}@10.0.0.7/s1\" }", "")
                        + "  cli:\n    source: { command: \"ffmpeg -i rtsp://admin:${RTSP_PASSWORD}@10.0.0.8/s -f mjpeg -\" }\n"
                        + "    groups: { p: { labels: [person] } }\n",
                Path.of("/etc/vigil"), Map.of("RTSP_PASSWORD", "hunter2"));
        String yaml = ConfigLoader.toYaml(c);
        String summary = ConfigLoader.summary(c);
        assertFalse(yaml.contains("hunter2"), yaml);
        assertFalse(summary.contains("hunter2"), summary);
        assertTrue(yaml.contains("rtsp://admin:***@10.0.0.7/s1"), yaml);
        assertTrue(yaml.contains("rtsp://admin:***@10.0.0.8/s"), yaml);
        assertTrue(summary.startsWith("2 cameras: door (stream rtsp://admin:***@10.0.0.7/s1), cli (command ffmpeg -i rtsp://admin:***@10.0.0.8/s"),
                summary);
        assertEquals("stream rtsp://admin:***@10.0.0.7/s1", ConfigLoader.describe(c.cameras().get("door").source()));
        assertTrue(c.toString().contains("hunter2"), "the records themselves keep the real URL for the grabber");
    }
}
