package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.Frame;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.TestData;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The live view keeps a frame now and then, faster while watched, renders once per frame, and never waits. */
class LiveViewTest {

    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    static final List<Detection> PERSON = List.of(new Detection("person", 0, 0.9f, new float[] {0.1f, 0.1f, 0.6f, 0.9f}));

    @Test
    void keepsAFrameASecondUnwatchedAndFiveASecondWatched() {
        try (Mat img = TestData.read("grace_hopper.bmp"); LiveView live = new LiveView(List.of("door"), 5, clock::get)) {
            Frame f = new Frame("door", 1, img, clock.get(), Instant.now(), "grace_hopper.bmp");
            assertNull(live.latest("door"), "nothing before the first frame");
            live.frameProcessed("door", f, null, PERSON, clock.get());
            assertEquals(1, live.version("door"));
            clock.addAndGet(500_000_000L);
            live.frameProcessed("door", f, null, PERSON, clock.get());
            assertEquals(1, live.version("door"), "unwatched: at most one frame a second");
            clock.addAndGet(500_000_000L);
            live.frameSkipped("door", f, "motion");
            assertEquals(2, live.version("door"));
            live.watch("door");
            clock.addAndGet(200_000_000L);
            live.frameProcessed("door", f, null, PERSON, clock.get());
            assertEquals(3, live.version("door"), "watched: five a second");
            LiveView.Picture p = live.latest("door");
            assertNotNull(p);
            assertTrue((p.jpeg()[0] & 0xff) == 0xff && (p.jpeg()[1] & 0xff) == 0xd8, "a JPEG");
            assertSame(p, live.latest("door"), "rendered once per frame, however many viewers");
            assertEquals(-1, live.version("yard"));
            assertNull(live.latest("yard"));
            live.frameProcessed("yard", f, null, PERSON, clock.get()); // an unknown camera is ignored
        }
    }

    @Test
    void aFrameArrivingWhileAViewerRendersIsSkippedNotWaitedFor() throws Exception {
        try (Mat img = TestData.read("grace_hopper.bmp"); LiveView live = new LiveView(List.of("door"), 5, clock::get)) {
            Frame f = new Frame("door", 1, img, clock.get(), Instant.now(), "grace_hopper.bmp");
            live.frameProcessed("door", f, null, PERSON, clock.get());
            CountDownLatch holding = new CountDownLatch(1), release = new CountDownLatch(1);
            Thread viewer = Thread.ofPlatform().start(() -> live.whileLocked("door", () -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            clock.addAndGet(2_000_000_000L);
            long t0 = System.nanoTime();
            live.frameProcessed("door", f, null, PERSON, clock.get());
            long took = System.nanoTime() - t0;
            release.countDown();
            viewer.join(10_000);
            assertEquals(1, live.version("door"), "the frame was skipped");
            assertTrue(took < 50_000_000L, "returned at once: " + took / 1000 + " us");
            clock.addAndGet(2_000_000_000L);
            live.frameProcessed("door", f, null, PERSON, clock.get());
            assertEquals(2, live.version("door"), "the next one is kept");
        }
    }
}
