package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.BadImages;
import dev.vigil.testing.TestData;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderCameraTest {

    private static final Duration FAST_RETRY = Duration.ofMillis(50);
    private static final java.util.random.RandomGenerator NO_JITTER = CameraTimingTest.NO_JITTER;

    /** For the tests whose capture runs on virtual time: pacing and retries move only when the test advances. */
    final VirtualTime time = new VirtualTime();

    Duration parked() throws InterruptedException { return time.awaitParked(1).getFirst(); }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    /** A frame's capture time in ms of virtual time. */
    static long time(Frame f) { return (f.captureNanos() - VirtualTime.START_NANOS) / 1_000_000; }

    private static Camera.Options options() {
        return Camera.Options.defaults().withBackoff(FAST_RETRY, Duration.ofMillis(200));
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void folderReplaysItsImagesInNameOrderThenEnds() throws Exception {
        List<String> expected = names(Fixtures.images());
        List<String> sorted = new ArrayList<>(expected);
        Collections.sort(sorted);
        assertEquals(sorted, expected);
        assertFalse(expected.contains("SOURCES.md"));
        List<CameraState> states = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("door", new SourceSpec.Folder(TestData.images(), 100, false),
                options().withLossless(true).withListener((c, from, to, why) -> states.add(to)))) {
            List<String> refs = new ArrayList<>();
            for (Frame f; (f = cam.acquire(Duration.ofSeconds(5))) != null; ) {
                assertEquals("door", f.camera());
                assertEquals(refs.size() + 1, f.sequence());
                try (Mat expectedImage = TestData.read(f.sourceRef())) {
                    assertEquals(3, f.bgr().channels());
                    assertEquals(expectedImage.cols(), f.bgr().cols(), f.sourceRef());
                    assertEquals(expectedImage.rows(), f.bgr().rows(), f.sourceRef());
                }
                refs.add(f.sourceRef());
                cam.release(f);
            }
            assertEquals(expected, refs);
            assertTrue(cam.ended());
            assertEquals(CameraState.ENDED, cam.state());
            assertEquals(List.of(CameraState.CONNECTING, CameraState.UP, CameraState.ENDED), states);
            CameraStats s = cam.stats();
            assertEquals(expected.size(), s.captured());
            assertEquals(expected.size(), s.delivered());
            assertEquals(0, s.dropped());
            assertEquals(0, s.reconnects());
            assertTrue(cam.pooledMats() <= 3, "pool grew to " + cam.pooledMats());
        }
    }

    @Test
    void loopingFolderStartsOverAndNeverEnds() throws Exception {
        List<String> expected = names(Fixtures.images());
        try (Camera cam = Camera.start("yard", new SourceSpec.Folder(TestData.images(), 200, true), options().withLossless(true))) {
            List<String> refs = Fixtures.drain(cam, Duration.ofSeconds(10), expected.size() + 5);
            assertEquals(expected.size() + 5, refs.size());
            assertEquals(expected, refs.subList(0, expected.size()));
            assertEquals(expected.subList(0, 5), refs.subList(expected.size(), refs.size()));
            assertFalse(cam.ended());
            assertEquals(CameraState.UP, cam.state());
        }
    }

    @Test
    void slowConsumerGetsTheNewestFrameAndTheRestAreCountedAsDropped() throws Exception {
        // 50 fps on virtual time: exactly one image per 20 ms step, whatever the machine's load.
        try (Camera cam = Camera.start("lane", new SourceSpec.Folder(TestData.images(), 50, true), options().withTime(time, null))) {
            Frame first = cam.acquire(Duration.ofSeconds(5));
            assertNotNull(first, "first frame");
            assertEquals(1, first.sequence());
            cam.release(first);
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                for (int step = 0; step < 7; step++) { // a slow model: 140 ms per frame
                    assertEquals(Duration.ofMillis(20), parked());
                    advanceMs(20);
                }
                parked(); // the seventh image of the round is published
                Frame f = cam.acquire(Duration.ofSeconds(5));
                assertNotNull(f);
                seqs.add(f.sequence());
                assertEquals(140L * (i + 1), time(f), "the frame handed out is the newest");
                cam.release(f);
            }
            assertEquals(List.of(8L, 15L, 22L, 29L, 36L, 43L), seqs, "no backlog");
            CameraStats s = cam.stats();
            assertEquals(43, s.captured());
            assertEquals(7, s.delivered());
            assertEquals(36, s.dropped(), "six dropped per round: captured = delivered + dropped");
            assertEquals(3, cam.pooledMats(), "steady state reuses three Mats");
        }
    }

    @Test
    void undecodableImageIsCountedAndSkipped(@TempDir Path dir) throws Exception {
        Files.copy(TestData.image("cat.bmp"), dir.resolve("a.bmp"));
        Files.write(dir.resolve("b.jpg"), new byte[] {1, 2, 3, 4, 5});
        Files.copy(TestData.image("hot_dog.jpg"), dir.resolve("c.jpg"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        try (Camera cam = Camera.start("x", new SourceSpec.Folder(dir, 100, false), options().withLossless(true))) {
            assertEquals(List.of("a.bmp", "c.jpg"), Fixtures.drain(cam, Duration.ofSeconds(5), 10));
            assertTrue(Fixtures.await(Duration.ofSeconds(2), cam::ended));
            assertEquals(1, cam.stats().decodeErrors());
        }
    }

    @Test
    void oversizedBombAndTruncatedImagesAreSkippedAndCountedWithoutReopeningTheFolder(@TempDir Path dir) throws Exception {
        BadImages.corpus(dir);
        List<CameraState> states = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("x", new SourceSpec.Folder(dir, 100, false),
                options().withLossless(true).withListener((c, from, to, why) -> states.add(to)))) {
            assertEquals(BadImages.GOOD, Fixtures.drain(cam, Duration.ofSeconds(10), 20));
            assertTrue(Fixtures.await(Duration.ofSeconds(2), cam::ended));
            assertEquals(BadImages.BAD.size(), cam.stats().decodeErrors());
            assertEquals(0, cam.stats().reconnects());
            assertEquals(List.of(CameraState.CONNECTING, CameraState.UP, CameraState.ENDED), states);
        }
    }

    @Test
    void aFolderOfOnlyBadFilesAtSlowFpsKeepsGoingPastTheStreamsUndecodableLimit(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) Files.write(dir.resolve("bad" + i + ".png"), new byte[] {1, 2, 3});
        Files.copy(TestData.image("cat.bmp"), dir.resolve("good.bmp"));
        // 0.1 fps: the three bad files take 30 s of virtual time, past the 10 s after which a stream is reopened.
        try (Camera cam = Camera.start("slow", new SourceSpec.Folder(dir, 0.1, false), options().withTime(time, null))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Duration.ofMillis(10_000), parked());
                advanceMs(10_000);
            }
            Frame f = cam.acquire(Duration.ofSeconds(5));
            assertNotNull(f, "the good file after 30 s of bad ones");
            assertEquals("good.bmp", f.sourceRef());
            cam.release(f);
            assertEquals(3, cam.stats().decodeErrors());
            assertEquals(0, cam.stats().reconnects());
        }
    }

    @Test
    void aLowerPixelCapSkipsPhotosAboveIt(@TempDir Path dir) throws Exception {
        Files.copy(TestData.image("cat.bmp"), dir.resolve("a.bmp"));
        try (Camera cam = Camera.start("x", new SourceSpec.Folder(dir, 100, false, 100), options().withLossless(true))) {
            assertEquals(List.of(), Fixtures.drain(cam, Duration.ofSeconds(5), 10));
            assertEquals(1, cam.stats().decodeErrors());
        }
    }

    @Test
    void missingFolderEndsWithTheReasonWhenFiniteAndIsWaitedForWhenLooping(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("gone", new SourceSpec.Folder(missing, 5, false),
                options().withListener((c, from, to, why) -> { if (why != null) reasons.add(to + " " + why); }))) {
            assertNull(cam.acquire(Duration.ofSeconds(5)));
            assertTrue(cam.ended());
            assertEquals(CameraState.ENDED, cam.state());
            assertEquals(List.of("ENDED cannot open: " + missing + ": no such folder"), reasons);
        }
        reasons.clear();
        try (Camera cam = Camera.start("later", new SourceSpec.Folder(missing, 50, true), options().withTime(time, NO_JITTER)
                .withProbePeriod(Duration.ofMillis(500))
                .withListener((c, from, to, why) -> { if (why != null) reasons.add(to + " " + why); }))) {
            assertEquals(Duration.ofMillis(50), parked(), "the backoff's first delay");
            assertEquals(CameraState.DOWN, cam.state());
            advanceMs(50); // still missing: from now on the folder is looked for every 500 ms, and not opened
            for (int i = 0; i < 3; i++) {
                assertEquals(Duration.ofMillis(500), parked());
                assertEquals(CameraState.DOWN, cam.state());
                advanceMs(500);
            }
            assertEquals(Duration.ofMillis(500), parked());
            assertEquals(0, cam.stats().reconnects(), "no open while the folder is missing");
            assertEquals("DOWN cannot open: " + missing + ": no such folder; probing every 500 ms until it answers", reasons.getLast());
            // The folder appears (a mount came up): the next probe finds it and the camera opens it at once.
            Files.createDirectories(missing);
            Files.copy(TestData.image("cat.bmp"), missing.resolve("cat.bmp"));
            advanceMs(500);
            Frame f = cam.acquire(Duration.ofSeconds(5));
            assertNotNull(f);
            assertEquals("cat.bmp", f.sourceRef());
            assertEquals(2050, time(f), "captured at the first probe after the folder appeared: 50 + 4 x 500 ms");
            assertEquals(1, cam.stats().reconnects());
            cam.release(f);
            parked(); // waiting for the next image: the camera is up
            assertEquals(CameraState.UP, cam.state());
        }
    }

    @Test
    void folderIsReplayedAtItsFps() throws Exception {
        int n = Fixtures.images().size();
        long start = System.nanoTime();
        try (Camera cam = Camera.start("paced", new SourceSpec.Folder(TestData.images(), 20, false), options().withLossless(true))) {
            assertEquals(n, Fixtures.drain(cam, Duration.ofSeconds(10), 100).size());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= (n - 1) / 20.0 - 0.02 && seconds < (n - 1) / 20.0 + 1.5, n + " images at 20 fps took " + seconds + " s");
    }

    @Test
    void pollerServesCamerasInTurnAndReportsWhenAllEnded() throws Exception {
        FrameSignal signal = new FrameSignal();
        Camera.Options o = options().withSignal(signal).withTime(time, null);
        try (Camera a = Camera.start("a", new SourceSpec.Folder(TestData.images(), 100, true), o);
             Camera b = Camera.start("b", new SourceSpec.Folder(TestData.images(), 100, true), o)) {
            FramePoller poller = new FramePoller(List.of(a, b), signal);
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                time.awaitParked(2); // both cameras published their newest frame
                Frame f = poller.next(Duration.ofSeconds(5));
                assertNotNull(f);
                served.add(f.camera());
                poller.release(f);
                time.advance(Duration.ofMillis(10));
            }
            assertEquals(10, served.stream().filter("a"::equals).count(), "fair: " + served);
            for (int i = 1; i < served.size(); i++) assertTrue(!served.get(i).equals(served.get(i - 1)), "in turn: " + served);
            assertFalse(poller.allEnded());
        }
        FrameSignal done = new FrameSignal();
        Camera.Options lossless = options().withSignal(done).withLossless(true).withRealtime(false);
        try (Camera a = Camera.start("a", new SourceSpec.Folder(TestData.images(), 5, false), lossless);
             Camera b = Camera.start("b", new SourceSpec.Folder(TestData.images(), 5, false), lossless)) {
            FramePoller poller = new FramePoller(List.of(a, b), done);
            int frames = 0;
            for (Frame f; (f = poller.next(Duration.ofSeconds(5))) != null; frames++) poller.release(f);
            assertEquals(2 * Fixtures.images().size(), frames, "lossless: every image of both cameras");
            assertTrue(poller.allEnded());
        }
    }

    @Test
    void closeIsPromptEvenWithAFrameLentOut() throws Exception {
        Camera cam = Camera.start("slow", new SourceSpec.Folder(TestData.images(), 0.5, true), options().withTime(time, null));
        Frame held = cam.acquire(Duration.ofSeconds(5));
        assertNotNull(held);
        assertEquals(Duration.ofSeconds(2), parked(), "the capture thread waits 2 s for the next image");
        long start = System.nanoTime();
        cam.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 500, "close took " + ms + " ms");
        assertFalse(cam.thread().isAlive());
        assertNull(cam.acquire(Duration.ofSeconds(1)), "closed camera returns at once");
        assertEquals(3, held.bgr().channels(), "a lent frame stays valid until released");
        cam.release(held);
        cam.close(); // idempotent
    }
}
