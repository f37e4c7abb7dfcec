package dev.vigil.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.Frame;
import dev.vigil.pipeline.FrameOutcome;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class ResultBusTest {

    static FrameOutcome skipped(long seq) { return new FrameOutcome.Skipped("door", seq, 0, 0, "motion"); }

    /** Records the first pixel of every copy it is given; blocks on each outcome until released. */
    static final class Slow implements FrameConsumer {
        final CountDownLatch release;
        final CountDownLatch first = new CountDownLatch(1);
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final List<Double> pixel = new CopyOnWriteArrayList<>();
        final boolean pixels;

        Slow(CountDownLatch release, boolean pixels) {
            this.release = release;
            this.pixels = pixels;
        }

        @Override public String name() { return pixels ? "slow-pixels" : "slow"; }

        @Override public int capacity() { return 2; }

        @Override public boolean wantsPixels(FrameOutcome o) { return pixels; }

        @Override public void accept(FrameOutcome o, Mat m) {
            first.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(o.sequence());
            if (m != null) pixel.add((double) (m.ptr(0, 0).get() & 0xff));
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingThePublisherAndTheCopyOutlivesTheFrame() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Slow slow = new Slow(release, true);
        Slow fast = new Slow(new CountDownLatch(0), false);
        ResultBus bus = new ResultBus(ResultBus.DEFAULT_PIXEL_BUDGET, (t, e) -> { });
        bus.add(slow).add(fast).start();
        try (Mat m = new Mat(4, 4, opencv_core.CV_8UC3, new Scalar(7, 7, 7, 0))) {
            Frame f = new Frame("door", 1, m, 0, Instant.EPOCH, "x");
            bus.publish(skipped(1), f);
            assertTrue(slow.first.await(5, TimeUnit.SECONDS)); // the slow one holds outcome 1
            long t0 = System.nanoTime();
            for (long s = 2; s <= 10; s++) {
                m.put(new Scalar(s * 10, s * 10, s * 10, 0)); // the camera reuses its Mat: the copy must not change
                bus.publish(skipped(s), new Frame("door", s, m, 0, Instant.EPOCH, "x"));
            }
            long publishMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(publishMs < 1000, "publishing never waits for a consumer: " + publishMs + " ms");
            assertEquals(7, bus.dropped("slow-pixels"), "1 in hand, 2 queued, 7 dropped");
            release.countDown();
            bus.close();
        }
        assertEquals(List.of(1L, 2L, 3L), slow.seen);
        assertEquals(List.of(7.0, 20.0, 30.0), slow.pixel, "each outcome's own copy of its frame");
        assertEquals(10, fast.seen.size() + bus.dropped("slow"), "each consumer has its own queue and its own drops");
    }

    @Test
    void frameCopiesStayWithinThePixelBudgetAndAreFreedWhenDone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Slow slow = new Slow(release, true);
        Slow plain = new Slow(new CountDownLatch(0), false);
        long frameBytes = 4 * 4 * 3;
        ResultBus bus = new ResultBus(2 * frameBytes, (t, e) -> { }); // room for two copies
        bus.add(slow).add(plain).start();
        try (Mat m = new Mat(4, 4, opencv_core.CV_8UC3, new Scalar(1, 1, 1, 0))) {
            bus.publish(skipped(1), new Frame("door", 1, m, 0, Instant.EPOCH, "x"));
            assertTrue(slow.first.await(5, TimeUnit.SECONDS));
            bus.publish(skipped(2), new Frame("door", 2, m, 0, Instant.EPOCH, "x"));
            assertEquals(2 * frameBytes, bus.pixelBytes(), "two copies held: one in hand, one queued");
            bus.publish(skipped(3), new Frame("door", 3, m, 0, Instant.EPOCH, "x")); // over budget: no copy
            assertEquals(2 * frameBytes, bus.pixelBytes());
            assertEquals(1, bus.dropped("slow-pixels"));
            release.countDown();
            bus.close();
        }
        assertEquals(0, bus.pixelBytes(), "every copy freed");
        assertEquals(List.of(1L, 2L), slow.seen);
        assertEquals(3, plain.seen.size() + bus.dropped("slow"), "the consumer without pixels is not held back by the budget");
    }

    @Test
    void aConsumerThreadThatDiesIsReported() throws Exception {
        CountDownLatch died = new CountDownLatch(1);
        ResultBus bus = new ResultBus(ResultBus.DEFAULT_PIXEL_BUDGET, (t, e) -> died.countDown());
        bus.add(new FrameConsumer() {
            @Override public String name() { return "dies"; }

            @Override public void accept(FrameOutcome o, Mat m) { throw new StackOverflowError("simulated"); }
        }).start();
        bus.publish(skipped(1), null);
        assertTrue(died.await(5, TimeUnit.SECONDS), "the health model hears of it");
        bus.close();
    }
}
