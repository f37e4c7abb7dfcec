package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.VirtualTime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * While a source is down the camera asks its cheap probe every second and opens only when it answers: back within one
 * probe period of the source's return however long it was gone, with the backoff kept for a source that answers the
 * probe but fails to open. On virtual time, to the millisecond.
 */
class ReconnectProbeTest {

    final VirtualTime time = new VirtualTime();

    long ms() { return time.elapsed().toMillis(); }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    Duration parked() throws InterruptedException { return time.awaitParked(1).getFirst(); }

    /** A server that can be gone (refuses, probe unanswered), back, or up but failing its opens. */
    final class Server implements FrameSource {
        final List<Long> opens = new CopyOnWriteArrayList<>();
        final List<Long> probes = new CopyOnWriteArrayList<>();
        volatile boolean answers = true, streams = true;
        volatile int failOpens;

        @Override
        public void open() throws IOException {
            opens.add(ms());
            if (!answers) throw new IOException("Connection refused");
            if (failOpens > 0) {
                failOpens--;
                throw new IOException("503 Service Unavailable");
            }
        }

        @Override
        public String read(Mat dst) {
            if (!answers || !streams) return null;
            dst.create(2, 2, opencv_core.CV_8UC3);
            return "f" + ms();
        }

        @Override
        public boolean reachable() {
            probes.add(ms());
            return answers;
        }

        @Override public double pace() { return 10; }

        @Override public boolean finite() { return false; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "server"; }

        @Override public void close() {}
    }

    Camera start(Server server, List<String> changes) {
        return Camera.start("door", server, Camera.Options.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .withTime(time, CameraTimingTest.NO_JITTER)
                .withListener((c, from, to, why) -> changes.add(to + (why == null ? "" : " " + why) + " @" + ms())));
    }

    @Test
    void aCameraIsBackWithinOneProbePeriodOfItsServerReturningAfterTenMinutesAway() throws Exception {
        Server server = new Server();
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Camera cam = start(server, changes)) {
            assertEquals(Duration.ofMillis(100), parked(), "up, paced at 10 fps");
            server.answers = false; // the server goes away: the read at 100 ms finds the stream ended
            advanceMs(100);
            assertEquals(Duration.ofMillis(1000), parked(), "first the backoff's 1 s");
            assertEquals(VirtualTime.START.plusMillis(100), cam.stats().downSince());
            advanceMs(1000);
            // Ten minutes of probes, one a second, and not one costly open.
            for (int i = 0; i < 600; i++) {
                assertEquals(Duration.ofMillis(1000), parked(), "probe " + i);
                advanceMs(1000);
            }
            // parked again after the last probe: only then is that probe's record certain to be in the list
            assertEquals(Duration.ofMillis(1000), parked());
            assertEquals(List.of(0L), server.opens, "no open while the server does not answer");
            List<Long> expected = new ArrayList<>();
            for (long t = 1100; t <= 601_100; t += 1000) expected.add(t);
            assertEquals(expected, server.probes);
            // It returns 400 ms after a probe: the next probe, 600 ms later, answers and the camera opens at once.
            advanceMs(400);
            server.answers = true;
            long back = ms();
            advanceMs(600);
            // the listener hears of UP just after the state is set: wait for both
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.state() == CameraState.UP
                    && changes.getLast().startsWith("UP")), cam.stats().toString());
            assertEquals(List.of(0L, 602_100L), server.opens);
            assertEquals(600, server.opens.getLast() - back, "up 600 ms after the server returned");
            assertEquals(1, cam.stats().reconnects());
            assertNull(cam.stats().downSince(), "up again");
            assertEquals(List.of("CONNECTING @0", "UP @0", "DOWN stream ended; retry in 1.0 s @100",
                    "DOWN stream ended; probing every 1.0 s until it answers @1100",
                    "CONNECTING @602100", "UP @602100"), changes);
        }
    }

    @Test
    void aServerThatAnswersButFailsToOpenGetsTheBackoffAndOneThatLeavesStartsItOver() throws Exception {
        Server server = new Server();
        server.answers = true;
        server.failOpens = 4;
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Camera cam = start(server, changes)) {
            // The probe answers each time, the open fails: 1, 2, 4, 8 s between opens, not one a second.
            for (long delay : new long[] {1000, 2000, 4000, 8000}) {
                assertEquals(Duration.ofMillis(delay), parked());
                advanceMs(delay);
            }
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.state() == CameraState.UP), cam.stats().toString());
            assertEquals(List.of(0L, 1000L, 3000L, 7000L, 15000L), server.opens);
            assertEquals(List.of(1000L, 3000L, 7000L, 15000L), server.probes, "each open was preceded by an answered probe");
            // Up, then failing opens again (the backoff started over after frames): 1 s, 2 s ...
            assertEquals(Duration.ofMillis(100), parked());
            server.failOpens = 2;
            server.streams = false;
            advanceMs(100); // 15100: the stream ends; the backoff started over when frames came
            assertEquals(Duration.ofMillis(1000), parked());
            advanceMs(1000); // 16100: probe answers, open fails (503)
            assertEquals(Duration.ofMillis(2000), parked());
            // ... and the server leaves while the camera waits: the next probe finds nobody, and the backoff starts over.
            server.answers = false;
            advanceMs(2000); // 18100: probe unanswered
            assertEquals(Duration.ofMillis(1000), parked());
            server.answers = true;
            server.streams = true;
            advanceMs(1000); // 19100: probe answers, open fails (the last 503)
            assertEquals(Duration.ofMillis(1000), parked(), "a new start: the first delay again, not 4 s");
            advanceMs(1000); // 20100: opens
            assertTrue(Fixtures.await(Duration.ofSeconds(10), () -> cam.state() == CameraState.UP), cam.stats().toString());
            assertEquals(List.of(0L, 1000L, 3000L, 7000L, 15000L, 16100L, 19100L, 20100L), server.opens);
            assertEquals(List.of(1000L, 3000L, 7000L, 15000L, 16100L, 18100L, 19100L, 20100L), server.probes);
        }
    }
}
