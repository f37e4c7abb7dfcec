package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 8 against a real RTSP server (the relay with Debian's ffmpeg): after an outage longer than the longest
 * backoff a camera is back within 5 s of the server's return (it was 9.4-12.9 s, set by the backoff); and a silent
 * server does not hold up the other cameras' opens (JavaCV's global lock around start() did).
 */
class RtspReconnectTest {

    /** The target; the measured figure is printed, and is about a probe period plus one RTSP open. */
    static final Duration TARGET = Duration.ofSeconds(5);

    @Test
    void aCameraIsBackWithinFiveSecondsOfItsServerReturningAfterAnOutageLongerThanTheLongestBackoff() throws Exception {
        Fixtures.ffmpeg();
        Path clip = Fixtures.clip(20);
        int port = Fixtures.freePort();
        // Backoff 1 s doubling to 8 s: before the probe, a 12 s outage had the retries at about 1, 3, 7, 15 s, so the
        // camera came back up to 8 s after the server (and with the production 30 s cap, up to 30 s).
        Camera.Options options = Camera.Options.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
        SourceSpec.Stream spec = new SourceSpec.Stream("rtsp://127.0.0.1:" + port + "/cam", null, Duration.ofSeconds(4), Duration.ofSeconds(2));
        RtspRelay relay = RtspRelay.start(clip, port);
        try (Camera cam = Camera.start("door", spec, options)) {
            assertTrue(Fixtures.await(Duration.ofSeconds(15), () -> cam.state() == CameraState.UP), "up first: " + cam.stats());
            relay.close();
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.state() == CameraState.DOWN), "down: " + cam.stats());
            Thread.sleep(12_000); // longer than the longest backoff (8 s)
            assertEquals(CameraState.DOWN, cam.state());
            long back = System.nanoTime(); // before the relay's own start-up (ffmpeg, the SDP): the figure errs long
            relay = RtspRelay.start(clip, port);
            assertTrue(Fixtures.await(TARGET, () -> cam.state() == CameraState.UP), "not up within " + TARGET + ": " + cam.stats());
            double seconds = (System.nanoTime() - back) / 1e9;
            System.out.printf("rtsp camera up %.2f s after its server returned from a 12 s outage (target 5 s)%n", seconds);
            assertEquals(1, cam.stats().reconnects(), "one open: on the probe's answer");
        } finally {
            relay.close();
        }
    }

    @Test
    void camerasOnASilentServerConnectAtTheSameTimeNotOneAfterAnother() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            // Each open waits out its 4 s connect timeout on the silent server; under JavaCV's global lock the six
            // would connect one after another, 4 s apart.
            SourceSpec.Stream spec = new SourceSpec.Stream("rtsp://127.0.0.1:" + silent.getLocalPort() + "/cam", null,
                    Duration.ofSeconds(4), Duration.ofSeconds(2));
            List<Camera> cams = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) cams.add(Camera.start("mute" + i, spec, Camera.Options.defaults()));
                long start = System.nanoTime();
                assertTrue(Fixtures.await(Duration.ofMillis(1500), () -> held.size() >= 6),
                        "connections within 1.5 s: " + held.size());
                System.out.printf("6 cameras connected to a silent server within %.0f ms%n", (System.nanoTime() - start) / 1e6);
            } finally {
                cams.parallelStream().forEach(Camera::close);
                silent.close();
                acceptor.join(1000);
                for (Socket s : held) s.close();
            }
        }
    }
}
