package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * A camera's capture thread on virtual time: reconnect delays, the backoff reset after a good session and replay pacing,
 * to the millisecond. The thread is real; the test waits until it parks on virtual time before it moves time.
 */
class CameraTimingTest {

    final VirtualTime time = new VirtualTime();

    /** No jitter: every reconnect delay is its nominal value. */
    static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override public long nextLong() { return 0; }

        @Override public double nextDouble() { return 0; }
    };

    long ms() { return time.elapsed().toMillis(); }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    /** Fails its first {@code failures} opens; then delivers {@code frames} frames and ends the stream (a live camera that closed). */
    final class Flaky implements FrameSource {
        final List<Long> opens = new CopyOnWriteArrayList<>();
        volatile int failures, frames;
        final double fps;

        Flaky(int failures, int frames, double fps) {
            this.failures = failures;
            this.frames = frames;
            this.fps = fps;
        }

        @Override
        public void open() throws IOException {
            opens.add(ms());
            if (failures > 0) {
                failures--;
                throw new IOException("Connection refused");
            }
        }

        @Override
        public String read(Mat dst) {
            if (frames == 0) return null;
            frames--;
            dst.create(2, 2, opencv_core.CV_8UC3);
            return "f" + ms();
        }

        @Override public double pace() { return fps; }

        @Override public boolean finite() { return false; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "flaky"; }

        @Override public void close() {}
    }

    Camera.Options options(List<String> reasons) {
        return Camera.Options.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4)).withTime(time, NO_JITTER)
                .withListener((c, from, to, why) -> reasons.add(to + (why == null ? "" : " " + why) + " @" + ms()));
    }

    /** Waits for the capture thread to park; returns how long until it wakes. */
    Duration parked() throws InterruptedException { return time.awaitParked(1).getFirst(); }

    @Test
    void reconnectDelaysDoubleToTheirMaximumAndStartOverAfterAGoodSession() throws Exception {
        Flaky source = new Flaky(4, 1, 10);
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("door", source, options(reasons))) {
            for (long delay : new long[] {1000, 2000, 4000, 4000}) {
                assertEquals(Duration.ofMillis(delay), parked());
                advanceMs(delay - 1);
                assertEquals(Duration.ofMillis(1), parked(), "still waiting 1 ms before the retry");
                advanceMs(1);
            }
            Frame f = cam.acquire(Duration.ofSeconds(10));
            assertNotNull(f, "connected at the fifth attempt: " + reasons);
            assertEquals("f11000", f.sourceRef());
            assertEquals(VirtualTime.START_NANOS + 11_000_000_000L, f.captureNanos());
            assertEquals(VirtualTime.START.plusSeconds(11), f.time());
            cam.release(f);
            assertEquals(Duration.ofMillis(100), parked(), "paced at 10 fps: the next read 100 ms later");
            advanceMs(100); // the stream ends: the camera was up, so the backoff starts over at 1 s
            assertEquals(Duration.ofMillis(1000), parked());
            source.frames = 1;
            advanceMs(1000);
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.stats().captured() == 2), "second session: " + cam.stats());
            assertEquals(List.of(0L, 1000L, 3000L, 7000L, 11000L, 12100L), source.opens);
            assertEquals(5, cam.stats().reconnects());
            assertEquals(List.of("CONNECTING @0", "DOWN cannot open: Connection refused; retry in 1.0 s @0", "CONNECTING @1000",
                    "DOWN cannot open: Connection refused; retry in 2.0 s @1000", "CONNECTING @3000",
                    "DOWN cannot open: Connection refused; retry in 4.0 s @3000", "CONNECTING @7000",
                    "DOWN cannot open: Connection refused; retry in 4.0 s @7000", "CONNECTING @11000", "UP @11000",
                    "DOWN stream ended; retry in 1.0 s @11100", "CONNECTING @12100"), reasons.subList(0, 12));
        }
    }

    @Test
    void closeWakesACaptureThreadWaitingToReconnect() throws Exception {
        List<String> reasons = new CopyOnWriteArrayList<>();
        Camera cam = Camera.start("door", new Flaky(1, 0, 0), options(reasons));
        assertEquals(Duration.ofSeconds(1), parked());
        cam.close();
        assertFalse(cam.thread().isAlive(), "closed without time moving");
        assertEquals(0, ms());
        assertEquals(0, cam.stats().reconnects());
    }

    @Test
    void aFolderIsReplayedAtItsFpsToTheMillisecond() throws Exception {
        List<String> expected = Fixtures.images().stream().map(p -> p.getFileName().toString()).toList();
        try (Camera cam = Camera.start("paced", new SourceSpec.Folder(dev.vigil.testing.TestData.images(), 20, false),
                Camera.Options.defaults().withLossless(true).withTime(time, NO_JITTER))) {
            for (int i = 0; i < expected.size(); i++) {
                if (i > 0) {
                    assertEquals(Duration.ofMillis(50), parked(), "image " + i);
                    advanceMs(50);
                }
                Frame f = cam.acquire(Duration.ofSeconds(10));
                assertNotNull(f, "image " + i);
                assertEquals(expected.get(i), f.sourceRef());
                assertEquals(50L * i, (f.captureNanos() - VirtualTime.START_NANOS) / 1_000_000, f.sourceRef());
                cam.release(f);
            }
            assertEquals(Duration.ofMillis(50), parked(), "the end of the folder is found at the next image's time");
            advanceMs(50);
            assertTrue(Fixtures.await(Duration.ofSeconds(10), cam::ended));
        }
    }
}
