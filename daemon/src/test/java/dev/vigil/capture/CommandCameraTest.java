package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CommandCameraTest {

    private static Camera.Options options() {
        return Camera.Options.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(400));
    }

    /** A camera tool stand-in: ffmpeg writing MJPEG of one photo to stdout at 10 fps, for {@code seconds} (0 = forever). */
    private static List<String> mjpegTool(String marker, double seconds) {
        String limit = seconds > 0 ? " -t " + seconds : "";
        // Not exec'd: the shell stays the parent, as in a real wrapper script, so killing must reach its child too.
        return List.of("sh", "-c", Fixtures.ffmpeg() + " -hide_banner -loglevel error -nostdin -re -loop 1 -framerate 10 -i "
                + TestData.image("hot_dog.jpg") + " -vf scale=320:240 -q:v 5" + limit + " -metadata comment=" + marker
                + " -f mjpeg - ; echo " + marker + " done >&2");
    }

    /**
     * The commands vigil started that still run, by a marker in their command line: only those whose parent is not
     * one of them, since a shell's fork carries the shell's command line until it execs (here: `sleep`), and under
     * load that moment is long enough to be counted as a second command.
     */
    private static long commandsWith(String marker) {
        java.util.function.Predicate<ProcessHandle> marked = p -> p.info().commandLine().orElse("").contains(marker);
        return ProcessHandle.current().descendants()
                .filter(marked)
                .filter(p -> p.parent().map(parent -> !marked.test(parent)).orElse(true)).count();
    }

    /** Every process with the marker in its command line: a command and its children. */
    private static long processesWith(String marker) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
    }

    @Test
    void commandThatExitsIsRestartedAndFramesFlowAgain() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("pi", new SourceSpec.Command(mjpegTool("vigil-restart-test", 0.7), true),
                options().withListener((c, from, to, why) -> { if (to == CameraState.DOWN) reasons.add(why); }))) {
            Frame f = cam.acquire(Duration.ofSeconds(10));
            assertNotNull(f, "frames from the command's stdout");
            assertEquals(320, f.bgr().cols());
            assertEquals(240, f.bgr().rows());
            cam.release(f);
            // The tool dies after 0.7 s; the camera notices, restarts it and frames come again.
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.stats().reconnects() >= 2), "restarts: " + cam.stats());
            long captured = cam.stats().captured();
            assertTrue(Fixtures.await(Duration.ofSeconds(5), () -> cam.stats().captured() > captured), "frames after restart");
            assertTrue(reasons.getFirst().startsWith("command exited with status 0") || reasons.getFirst().equals("stream ended"),
                    reasons.toString());
        }
        assertEquals(0, processesWith("vigil-restart-test"), "nothing left running");
    }

    @Test
    void commandThatHangsWithoutOutputIsKilledAndRestarted() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        Duration stall = Duration.ofMillis(800);
        try (Camera cam = Camera.start("hung", new SourceSpec.Command(List.of("sh", "-c", "sleep 30; echo vigil-hang-test"), true),
                options().withCommandStallTimeout(stall)
                        .withListener((c, from, to, why) -> { if (to == CameraState.DOWN) reasons.add(why); }))) {
            Duration longest = Duration.ZERO;
            long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (cam.stats().reconnects() < 2 && System.nanoTime() < deadline) {
                if (cam.blockedFor().compareTo(longest) > 0) longest = cam.blockedFor();
                assertTrue(commandsWith("vigil-hang-test") <= 1, "killed before the next one starts");
                Thread.sleep(20);
            }
            assertTrue(cam.stats().reconnects() >= 2, "restarted: " + cam.stats());
            assertTrue(longest.compareTo(stall.plus(Duration.ofMillis(600))) < 0, "blocked " + longest);
            assertTrue(reasons.contains("no data within 800 ms, aborting"), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("cannot open: command exited with status 137 before its first frame; retry in ")), reasons.toString());
        }
        assertEquals(0, processesWith("vigil-hang-test"));
    }

    @Test
    void closeKillsTheCommandAndItsChildrenPromptly() throws Exception {
        Camera cam = Camera.start("live", new SourceSpec.Command(mjpegTool("vigil-close-test", 0), true), options());
        Frame f = cam.acquire(Duration.ofSeconds(10));
        assertNotNull(f);
        cam.release(f);
        assertEquals(2, processesWith("vigil-close-test"), "the shell and its ffmpeg");
        long start = System.nanoTime();
        cam.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2000, "close took " + ms + " ms");
        assertFalse(cam.thread().isAlive());
        assertTrue(Fixtures.await(Duration.ofSeconds(1), () -> processesWith("vigil-close-test") == 0), "killed");
    }

    @Test
    void oneShotCommandEndsAfterItsLastFrame() throws Exception {
        try (Camera cam = Camera.start("once", new SourceSpec.Command(mjpegTool("vigil-once-test", 0.5), false),
                options().withLossless(true))) {
            List<String> refs = Fixtures.drain(cam, Duration.ofSeconds(10), 1000);
            assertTrue(refs.size() >= 3, "frames: " + refs.size());
            assertTrue(cam.ended());
            assertEquals(CameraState.ENDED, cam.state());
            assertEquals(0, cam.stats().reconnects());
        }
    }

    @Test
    void missingProgramStaysDownNamingIt() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("nocam", new SourceSpec.Command(List.of("/nonexistent/rpicam-vid", "-o", "-"), true),
                options().withListener((c, from, to, why) -> { if (to == CameraState.DOWN) reasons.add(why); }))) {
            assertTrue(Fixtures.await(Duration.ofSeconds(3), () -> reasons.size() >= 2), reasons.toString());
            assertTrue(Fixtures.await(Duration.ofSeconds(1), () -> cam.state() == CameraState.DOWN));
            assertTrue(reasons.getFirst().startsWith("cannot open: cannot start /nonexistent/rpicam-vid: "), reasons.getFirst());
            // Not started again and again: the program is looked for every second, and started once it is installed.
            assertTrue(reasons.get(1).endsWith("; probing every 1.0 s until it answers"), reasons.get(1));
            assertEquals(0, cam.stats().reconnects());
        }
    }
}
