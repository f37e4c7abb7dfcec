package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RedactTest {

    @Test
    void passwordInUserinfoIsMaskedUserKept() {
        assertEquals("rtsp://admin:***@10.0.0.7:554/Streaming/101", Redact.url("rtsp://admin:s3cr3t@10.0.0.7:554/Streaming/101"));
    }

    @Test
    void passwordContainingAtSignIsMaskedWhole() {
        assertEquals("rtsp://admin:***@door/live", Redact.url("rtsp://admin:p@ss@door/live"));
    }

    @Test
    void userinfoWithoutPasswordMayBeATokenAndIsMasked() {
        assertEquals("https://***@cam.example/mjpeg", Redact.url("https://abcdef123@cam.example/mjpeg"));
    }

    @Test
    void secretQueryParametersAreMasked() {
        assertEquals("http://cam/video.cgi?user=admin&pwd=***&channel=1", Redact.url("http://cam/video.cgi?user=admin&pwd=hunter2&channel=1"));
        assertEquals("http://cam/snap?token=***", Redact.url("http://cam/snap?token=xyz"));
    }

    @Test
    void urlsWithoutSecretsAndNullPassUnchanged() {
        assertEquals("rtsp://door:554/live?channel=1", Redact.url("rtsp://door:554/live?channel=1"));
        assertEquals("/dev/video0", Redact.url("/dev/video0"));
        assertNull(Redact.url(null));
    }

    @Test
    void everyUrlInsideFreeTextIsMasked() {
        String msg = "avformat_open_input() error -111: Could not open input \"rtsp://u:pw1@a/x\". Fallback rtsp://v:pw2@b/y failed";
        assertEquals("avformat_open_input() error -111: Could not open input \"rtsp://u:***@a/x\". Fallback rtsp://v:***@b/y failed",
                Redact.text(msg));
    }
}
