package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
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

    static FrameResult result(long seq) {
        return new FrameResult("door", seq, Instant.EPOCH, "grace_hopper.bmp", 0, new ModelId("ssd", "0".repeat(64), "xnnpack"),
                Analyzer.Kind.DETECTOR, PERSON, List.of(), List.of(), new StageTimings(0, 0, 0, 0, 0), 0);
    }

    @Test
    void asksForAFrameASecondUnwatchedAndFiveASecondWatched() {
        try (Mat img = TestData.read("grace_hopper.bmp"); LiveView live = new LiveView(List.of("door"), 5, clock::get)) {
            assertNull(live.latest("door"), "nothing before the first frame");
            assertTrue(live.wants(result(1)));
            live.accept(result(1), img);
            assertEquals(1, live.version("door"));
            clock.addAndGet(500_000_000L);
            assertFalse(live.wants(result(2)), "unwatched: at most one frame a second");
            clock.addAndGet(500_000_000L);
            var skipped = new FrameOutcome.Skipped("door", 3, 0, 0, "motion");
            assertTrue(live.wants(skipped), "a frame without inference is still a picture of the door");
            live.accept(skipped, img);
            assertEquals(2, live.version("door"));
            live.watch("door");
            clock.addAndGet(200_000_000L);
            assertTrue(live.wants(result(4)), "watched: five a second");
            live.accept(result(4), img);
            assertEquals(3, live.version("door"));
            assertFalse(live.wants(new FrameOutcome.Failed("door", 5, 0, 0, "inference", "x")));
            LiveView.Picture p = live.latest("door");
            assertNotNull(p);
            assertTrue((p.jpeg()[0] & 0xff) == 0xff && (p.jpeg()[1] & 0xff) == 0xd8, "a JPEG");
            assertSame(p, live.latest("door"), "rendered once per frame, however many viewers");
            assertEquals(-1, live.version("yard"));
            assertNull(live.latest("yard"));
            assertFalse(live.wants(new FrameOutcome.Skipped("yard", 1, 0, 0, "motion")), "an unknown camera is ignored");
            live.accept(new FrameOutcome.Skipped("yard", 1, 0, 0, "motion"), img);
        }
    }
}
