package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.testing.TestData;
import dev.vigil.config.ConfigException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StreamCameraTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How far past the read timeout a blocked call may be seen: the sampling period plus scheduling on a busy box (0.7 s
     * was not enough with a load average of 15 on the 2-core box); still far from a call that never returns.
     */
    private static final Duration SLACK = Duration.ofMillis(2000);

    private static Camera.Options options() {
        return Camera.Options.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    private static SourceSpec.Stream rtsp(int port) {
        return new SourceSpec.Stream("rtsp://viewer:secret@127.0.0.1:" + port + "/cam", null, CONNECT_TIMEOUT, READ_TIMEOUT);
    }

    /** Live threads that belong to the code under test: the JDK's process reapers and the relay's own are not. */
    private static long liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("process reaper") && !t.getName().startsWith("rtsp-relay"))
                .count();
    }

    /** Takes n frames within the timeout (checking each is a whole 320x240 BGR picture); false if they did not come. */
    private static boolean frames(Camera cam, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int got = 0;
        while (got < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Frame f = cam.acquire(Duration.ofNanos(left));
            if (f == null) continue;
            assertEquals(320, f.bgr().cols());
            assertEquals(240, f.bgr().rows());
            assertEquals(3, f.bgr().channels());
            cam.release(f);
            got++;
        }
        return true;
    }

    /** Waits for the state while sampling how long the capture thread has been blocked; returns the longest seen. */
    private static Duration awaitState(Camera cam, CameraState want, Duration timeout) throws InterruptedException {
        Duration longest = Duration.ZERO;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cam.state() != want) {
            if (System.nanoTime() > deadline) throw new AssertionError("camera " + cam.name() + " not " + want + " after " + timeout + ": " + cam.stats());
            Duration b = cam.blockedFor();
            if (b.compareTo(longest) > 0) longest = b;
            Thread.sleep(10);
        }
        return longest;
    }

    @Test
    void rtspCameraComesBackAfterFiveServerDeathsWithoutBlockedOrLeakedThreads() throws Exception {
        Fixtures.ffmpeg();
        Path clip = Fixtures.clip(20);
        int port = Fixtures.freePort();
        Logger captureLog = (Logger) LoggerFactory.getLogger("dev.vigil.capture");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        captureLog.addAppender(logged);
        Level level = captureLog.getLevel();
        captureLog.setLevel(Level.DEBUG); // FFmpeg's own lines too
        RtspRelay relay = RtspRelay.start(clip, port);
        List<String> probing = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("door", rtsp(port), options().withListener((c, from, to, why) -> {
            if (why != null && why.contains("; probing every")) probing.add(why);
        }))) {
            assertTrue(frames(cam, 3, Duration.ofSeconds(10)), "first frames: " + cam.stats());
            long threads = liveThreads();
            long reconnects = cam.stats().reconnects();
            for (int cycle = 1; cycle <= 5; cycle++) {
                // The camera hangs with the connection open: only the read timeout can notice.
                relay.stopFeed();
                Duration blocked = awaitState(cam, CameraState.DOWN, READ_TIMEOUT.plus(Duration.ofSeconds(3)));
                assertTrue(blocked.compareTo(READ_TIMEOUT.plus(SLACK)) < 0, "cycle " + cycle + ": blocked " + blocked);
                // Then it goes away: connections reset, port refused; the camera probes it instead of opening.
                int probed = probing.size();
                relay.close();
                assertTrue(Fixtures.await(Duration.ofSeconds(3), () -> probing.size() > probed), "probing: " + probing);
                long before = cam.stats().reconnects();
                assertTrue(Fixtures.await(Duration.ofSeconds(1),
                        () -> cam.thread().getState() == Thread.State.TIMED_WAITING && cam.state() == CameraState.DOWN),
                        "between retries the capture thread sleeps: " + cam.thread().getState());
                assertTrue(cam.blockedFor().compareTo(READ_TIMEOUT.plus(SLACK)) < 0);
                assertEquals(before, cam.stats().reconnects(), "no open while the port refuses");
                // It comes back: frames again within 5 s.
                relay = RtspRelay.start(clip, port);
                long back = System.nanoTime();
                assertTrue(frames(cam, 3, Duration.ofSeconds(5)), "cycle " + cycle + ": frames again within 5 s: " + cam.stats());
                assertEquals(CameraState.UP, cam.state());
                System.out.printf("rtsp cycle %d: frames again %.2f s after the server restarted%n", cycle, (System.nanoTime() - back) / 1e9);
            }
            CameraStats s = cam.stats();
            assertTrue(s.reconnects() >= reconnects + 5, "reconnects counted: " + s);
            assertTrue(s.captured() >= 15 && s.delivered() >= 15, s.toString());
            assertTrue(liveThreads() <= threads, "threads before " + threads + ", after " + liveThreads() + ": "
                    + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
        } finally {
            relay.close();
            captureLog.detachAppender(logged);
            captureLog.setLevel(level);
        }
        List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().anyMatch(l -> l.equals("camera door: UP (rtsp://viewer:***@127.0.0.1:" + port + "/cam)")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("camera door: DOWN (rtsp://viewer:***@127.0.0.1:" + port + "/cam): ")));
        assertTrue(lines.stream().noneMatch(l -> l.contains("secret")), "credentials never logged");
    }

    @Test
    void unreachableCameraIsProbedNotOpenedUntilSomethingAnswersAndClosesPromptly() throws Exception {
        int port = Fixtures.freePort(); // nothing listens: connection refused
        List<Long> attempts = new CopyOnWriteArrayList<>();
        List<String> reasons = new CopyOnWriteArrayList<>();
        Camera cam = Camera.start("gate", rtsp(port), options().withProbePeriod(Duration.ofMillis(200)).withListener((c, from, to, why) -> {
            if (to == CameraState.CONNECTING) attempts.add(System.nanoTime());
            if (to == CameraState.DOWN) reasons.add(why);
        }));
        ServerSocket answering = null;
        try {
            assertTrue(Fixtures.await(Duration.ofSeconds(5), () -> reasons.size() >= 2), "reasons: " + reasons);
            assertTrue(reasons.get(0).matches("cannot open: Connection refused; retry in \\d+ ms"), reasons.get(0));
            assertEquals("cannot open: Connection refused; probing every 200 ms until it answers", reasons.get(1));
            // Probes, a refused TCP connect five times a second, and no open (no FFmpeg) while nothing answers.
            Thread.sleep(1000);
            assertEquals(1, attempts.size(), "opens while refused: " + attempts.size());
            assertEquals(CameraState.DOWN, cam.state());
            assertEquals(0, cam.stats().reconnects());
            // Something answers on the port (not RTSP: it hangs up): the camera opens within a probe period.
            answering = new ServerSocket();
            answering.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            ServerSocket server = answering;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) server.accept().close();
                } catch (IOException e) {
                    // closed
                }
            });
            long opened = System.nanoTime();
            assertTrue(Fixtures.await(Duration.ofSeconds(3), () -> attempts.size() >= 2), "opened once the port answered");
            System.out.printf("open %.0f ms after the port answered (probe period 200 ms)%n", (attempts.get(1) - opened) / 1e6);
        } finally {
            long start = System.nanoTime();
            cam.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (answering != null) answering.close();
            assertTrue(ms < 500, "close took " + ms + " ms");
            assertFalse(cam.thread().isAlive());
        }
    }

    @Test
    void serverThatAcceptsButNeverAnswersTimesOutWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) held.add(silent.accept());
                } catch (IOException e) {
                    // closed
                }
            });
            List<String> reasons = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            try (Camera cam = Camera.start("mute", rtsp(silent.getLocalPort()),
                    options().withListener((c, from, to, why) -> { if (to == CameraState.DOWN) reasons.add(why); }))) {
                Duration blocked = awaitState(cam, CameraState.DOWN, Duration.ofSeconds(10));
                double seconds = (System.nanoTime() - start) / 1e9;
                // The connect timeout bounds the whole handshake.
                assertTrue(seconds >= 0.9 && seconds < CONNECT_TIMEOUT.plus(SLACK).toMillis() / 1000.0, "down after " + seconds + " s");
                assertTrue(blocked.compareTo(CONNECT_TIMEOUT.plus(SLACK)) < 0, "blocked " + blocked);
                assertTrue(reasons.getFirst().startsWith("cannot open: "), reasons.toString());
                assertFalse(held.isEmpty(), "the camera did connect");
            } finally {
                silent.close();
                acceptor.join(1000);
                for (Socket s : held) s.close();
            }
        }
    }

    @Test
    void httpMjpegStreamIsReadThroughFfmpeg() throws Exception {
        int port = Fixtures.freePort();
        Process server = new ProcessBuilder(Fixtures.ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-loop", "1", "-framerate", "10", "-i", TestData.image("hot_dog.jpg").toString(), "-vf", "scale=320:240",
                "-q:v", "5", "-f", "mpjpeg", "-listen", "1", "http://127.0.0.1:" + port + "/video.mjpg")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        // ffmpeg -listen 1 serves one client and exits when it leaves: a camera started first would find the port
        // refused and then spend that one client on its TCP probe. Wait for the listening socket without connecting.
        assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> listening(port)), "ffmpeg listens on " + port);
        try (Camera cam = Camera.start("porch",
                new SourceSpec.Stream("http://127.0.0.1:" + port + "/video.mjpg?pwd=hunter2", null, Duration.ofSeconds(2), READ_TIMEOUT),
                options())) {
            assertEquals("http://127.0.0.1:" + port + "/video.mjpg?pwd=***", cam.description());
            assertTrue(frames(cam, 5, Duration.ofSeconds(10)), "mjpeg frames: " + cam.stats());
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
            Duration blocked = awaitState(cam, CameraState.DOWN, Duration.ofSeconds(5));
            assertTrue(blocked.compareTo(READ_TIMEOUT.plus(SLACK)) < 0, "blocked " + blocked);
        } finally {
            server.destroyForcibly();
        }
    }

    /** A socket in LISTEN state on the port, from /proc/net/tcp (connecting to see would be a client). */
    static boolean listening(int port) {
        try {
            String hexPort = String.format(":%04X ", port);
            return java.nio.file.Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                    .anyMatch(l -> l.contains(hexPort) && l.trim().split("\\s+")[3].equals("0A") && l.trim().split("\\s+")[1].endsWith(hexPort.trim()));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void streamMustBeRtspOrHttp() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SourceSpec.Stream("rtps://u:pw@door/live", null, null, null));
        assertEquals("stream: \"rtps://u:***@door/live\" is not rtsp://, http://, https://", e.getMessage(),
                "the spec refuses it before any camera starts, the password masked");
    }
}
