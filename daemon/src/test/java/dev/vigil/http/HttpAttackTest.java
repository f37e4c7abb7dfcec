package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The denial of service of issue 10 on real sockets against a daemon detecting at 10 fps: 500 idle and 500
 * half-sent connections held while /healthz is probed, and a live-view client that stops reading.
 */
class HttpAttackTest {

    @TempDir
    Path tmp;

    static double fps(LiveDaemon d, long millis) throws InterruptedException {
        long p0 = d.vigil.frames().processed("door"), t0 = System.nanoTime();
        Thread.sleep(millis);
        return (d.vigil.frames().processed("door") - p0) / ((System.nanoTime() - t0) / 1e9);
    }

    @Test
    void aThousandIdleAndHalfSentConnectionsLeaveHealthzAnsweringAndInferenceAtItsRate() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 10, true)) {
            assertTrue(d.awaitReady(Duration.ofSeconds(60)), d.get("/readyz").body());
            StatusServer http = d.vigil.http();
            int port = http.port();
            double before = fps(d, 2000);
            int threadsBefore = http.threads();
            long opening = System.nanoTime();
            try (SocketAttack attack = new SocketAttack(port).open(500, 500)) {
                double openMs = (System.nanoTime() - opening) / 1e6;
                // Idle ones are closed 5 s after they opened: look at once.
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (http.connections() < 1000 && System.nanoTime() < deadline) Thread.sleep(5);
                int held = http.connections();
                assertTrue(held >= 1000, "the server holds every attacking connection: " + held + " (opened in " + openMs + " ms)");

                Thread dripper = Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            Thread.sleep(1000);
                            attack.drip();
                        }
                    } catch (InterruptedException e) {
                        // the probes are done
                    }
                });
                long p0 = d.vigil.frames().processed("door"), t0 = System.nanoTime();
                List<Integer> codes = new ArrayList<>();
                double[] ms = SocketAttack.probe(port, "/healthz", 200, 5, codes);
                int heldAfter = http.connections();
                double during = (d.vigil.frames().processed("door") - p0) / ((System.nanoTime() - t0) / 1e9);
                int threads = http.threads();
                dripper.interrupt();
                int halfHeld = SocketAttack.stillOpen(attack.halfSent);
                double p50 = SocketAttack.percentile(ms, 50), p99 = SocketAttack.percentile(ms, 99), max = SocketAttack.percentile(ms, 100);
                System.out.printf(Locale.ROOT, "http attack: %d connections held (500 idle + 500 half-sent, opened in %.0f ms; %d at the end of the probes, "
                                + "%d half-sent still held); /healthz over %d probes p50 %.1f ms p99 %.1f ms max %.1f ms; request threads %d before, %d during; "
                                + "inference %.1f fps before, %.1f during%n",
                        held, openMs, heldAfter, halfHeld, ms.length, p50, p99, max, threadsBefore, threads, before, during);
                assertEquals(200, codes.stream().filter(c -> c == 200).count(), "every probe answered 200: " + codes);
                assertTrue(p99 < 2000, "p99 " + p99 + " ms");
                assertEquals(500, halfHeld, "a sender that keeps sending is not what the idle timeout cuts");
                assertTrue(threads <= StatusServer.MAX_THREADS, "threads " + threads);
                assertTrue(during > before * 0.5, "inference kept its rate: " + before + " fps before, " + during + " during");

                // Once they stop sending, both kinds are closed by the idle timeout: nothing is held for good.
                Thread.sleep(StatusServer.IDLE_TIMEOUT.toMillis() + 1500);
                assertEquals(0, SocketAttack.stillOpen(attack.idle), "idle connections closed");
                assertEquals(0, SocketAttack.stillOpen(attack.halfSent), "half-sent connections closed");
                assertEquals(200, SocketAttack.get(port, "/healthz"));
            }
        }
    }

    @Test
    void aLiveViewClientThatStopsReadingIsCutOffAfterTheIdleTimeout() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 10, true)) {
            assertTrue(d.awaitReady(Duration.ofSeconds(60)));
            int port = d.vigil.http().port();
            StatusServer http = d.vigil.http();
            long quiet = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (http.connections() > 0 && System.nanoTime() < quiet) Thread.sleep(50); // the client's kept-alive ones time out
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", port));
                s.getOutputStream().write("GET /api/cameras/door/stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                long t0 = System.nanoTime();
                long deadline = t0 + Duration.ofSeconds(60).toNanos();
                while (http.connections() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
                assertEquals(1, http.connections(), "the live view is served");
                // Never read: the socket buffers fill (some seconds of frames), the server's write stalls, and the idle
                // timeout closes the connection.
                while (http.connections() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
                double cut = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "http slow reader: live view cut off %.1f s after it began (idle timeout %d s)%n",
                        cut, StatusServer.IDLE_TIMEOUT.toSeconds());
                assertEquals(0, http.connections(), "cut off within 60 s");
            }
            // The slot came free: a new live view is served.
            assertEquals(200, d.status("/api/cameras/door/stream.mjpeg"));
        }
    }
}
