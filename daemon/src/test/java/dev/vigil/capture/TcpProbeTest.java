package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpProbeTest {

    static final Duration T = Duration.ofSeconds(10);

    @Test
    void theProbeAsksTheUrlsHostAndPortWithTheSchemesDefault() {
        TcpProbe p = new TcpProbe("rtsp://vigil:p@ss:w%2Frd@192.168.1.20/stream1", T);
        assertEquals("192.168.1.20", p.host());
        assertEquals(554, p.port());
        p = new TcpProbe("rtsp://cam.local:8554/live?x=1", T);
        assertEquals("cam.local", p.host());
        assertEquals(8554, p.port());
        p = new TcpProbe("http://[fe80::1]:8080/video.mjpg", T);
        assertEquals("[fe80::1]", p.host());
        assertEquals(8080, p.port());
        assertEquals(80, new TcpProbe("http://porch/video.mjpg", T).port());
        // a password with '/', '#', '?', '@', ':' and a space unescaped: the host is still found, nothing throws
        p = new TcpProbe("rtsp://vigil:pa ss9Q/#?@:@127.0.0.1:9/stream1", T);
        assertEquals("127.0.0.1", p.host());
        assertEquals(9, p.port());
        assertEquals(443, new TcpProbe("https://porch?pwd=a@b", T).port());
    }

    @Test
    void itAnswersWhileSomethingListensAndNotOnceItIsGone() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = s.getLocalPort();
            assertTrue(new TcpProbe("rtsp://127.0.0.1:" + port + "/cam", T).getAsBoolean());
        }
        assertFalse(new TcpProbe("rtsp://127.0.0.1:" + port + "/cam", T).getAsBoolean());
    }
}
