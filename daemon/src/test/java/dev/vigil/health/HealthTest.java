package dev.vigil.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.CameraState;
import dev.vigil.capture.SourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one health model, on a clock the test turns: what systemd, /readyz and the heartbeat are told. */
class HealthTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    Health health(Object... nameWindow) {
        Map<String, Duration> m = new LinkedHashMap<>();
        for (int i = 0; i < nameWindow.length; i += 2) m.put((String) nameWindow[i], (Duration) nameWindow[i + 1]);
        return new Health(m, now::get);
    }

    void advance(Duration d) { now.addAndGet(d.toNanos()); }

    /** A capture thread whose state the test sets. */
    static final class Probe implements Health.CaptureProbe {
        Duration blocked = Duration.ZERO;
        boolean alive = true;

        @Override public Duration blockedFor() { return blocked; }

        @Override public boolean alive() { return alive; }
    }

    @Test
    void freshnessIsTenSecondsOrThreeFramePeriods() {
        assertEquals(Duration.ofSeconds(10), Health.freshness(new SourceSpec.Device("/dev/video0", 640, 480, 30, "mjpeg")));
        assertEquals(Duration.ofSeconds(30), Health.freshness(new SourceSpec.Folder(Path.of("/x"), 0.1, true)));
        assertEquals(Duration.ofSeconds(10), Health.freshness(new SourceSpec.Stream("rtsp://cam/1", "tcp", Duration.ofSeconds(5), Duration.ofSeconds(5))));
        assertEquals(Duration.ofSeconds(10), Health.freshness(new SourceSpec.Command(List.of("rpicam-vid"), true)));
        assertEquals(Duration.ofSeconds(10), Health.freshness(new SourceSpec.VideoFile(Path.of("/x.mp4"), true, 0)));
    }

    @Test
    void readyWhenTheModelIsLoadedAndTheLoopRunsWhateverTheCamerasDo() {
        Health h = health("door", Duration.ofSeconds(10));
        assertFalse(h.ready());
        assertEquals("model not loaded", h.problem());
        h.modelLoaded();
        assertFalse(h.ready(), "the loop has not turned yet");
        h.cameraState("door", CameraState.DOWN, "connection refused; retry in 1s");
        h.loopTurned(now.get());
        assertTrue(h.ready(), "a camera down at start does not hold READY back");
        assertNull(h.stuck(), "nor starve the watchdog");
        assertEquals("camera door: down: connection refused; retry in 1s", h.problem(), "but /readyz says why it is 503");
        assertEquals(Health.CameraHealth.DOWN, h.camera("door").health());
    }

    @Test
    void aCameraDownForMinutesIsReportedButNeverStuck() {
        Health h = health("door", Duration.ofSeconds(10));
        h.modelLoaded();
        h.flowed("door", now.get(), true);
        h.cameraState("door", CameraState.DOWN, "no data within 10.0 s, aborting");
        for (int i = 0; i < 30; i++) {
            advance(Duration.ofSeconds(10));
            h.loopTurned(now.get()); // the loop keeps turning (idle waits of 200 ms)
            assertNull(h.stuck(), "after " + (i + 1) * 10 + " s");
        }
        assertEquals("camera door: down: no data within 10.0 s, aborting", h.problem());
    }

    @Test
    void aLoopThatStopsTurningIsStuckAfterFifteenSeconds() {
        Health h = health("door", Duration.ofSeconds(10));
        h.modelLoaded();
        h.loopTurned(now.get());
        advance(Duration.ofMillis(15_000));
        assertNull(h.stuck(), "exactly the limit is not past it");
        advance(Duration.ofMillis(1));
        assertEquals("the inference loop has not turned for 15 s", h.stuck());
        h.loopTurned(now.get());
        assertNull(h.stuck());
    }

    @Test
    void aCaptureThreadInsideOneCallPastSixtySecondsOrDeadIsStuck() {
        Health h = health("door", Duration.ofSeconds(10), "yard", Duration.ofSeconds(10));
        Probe door = new Probe(), yard = new Probe();
        h.probe("door", door);
        h.probe("yard", yard);
        h.modelLoaded();
        h.loopTurned(now.get());
        door.blocked = Duration.ofSeconds(60);
        assertNull(h.stuck(), "a call at its limit is the source's own timeout's business");
        door.blocked = Duration.ofSeconds(61);
        assertEquals("camera door: capture thread stuck in one call for 61 s", h.stuck());
        assertEquals(Health.CameraHealth.STUCK, h.camera("door").health());
        door.blocked = Duration.ZERO;
        yard.alive = false;
        assertEquals("camera yard: its capture thread died", h.stuck());
    }

    @Test
    void aDeadThreadAndAFailedLoopAreStuck() {
        Health h = health("door", Duration.ofSeconds(10));
        h.modelLoaded();
        h.loopTurned(now.get());
        h.threadDied("consumer-events", new OutOfMemoryError("Java heap space"));
        assertEquals("thread died: consumer-events: java.lang.OutOfMemoryError: Java heap space", h.stuck());
        Health h2 = health("door", Duration.ofSeconds(10));
        h2.modelLoaded();
        h2.loopTurned(now.get());
        h2.loopStopped("java.lang.IllegalStateException: invoke failed");
        assertEquals("inference stopped: java.lang.IllegalStateException: invoke failed", h2.stuck());
        Health h3 = health("door", Duration.ofSeconds(10));
        h3.modelLoaded();
        h3.loopTurned(now.get());
        h3.loopStopped(null); // --once done, or close()
        advance(Duration.ofMinutes(1));
        assertNull(h3.stuck());
    }

    @Test
    void aCameraSilentLongerThanItsWindowIsStaleAndGatedFramesCount() {
        Health h = health("door", Duration.ofSeconds(10), "slow", Duration.ofSeconds(30));
        h.modelLoaded();
        h.loopTurned(now.get());
        assertEquals("camera door: no frame yet", h.problem());
        h.flowed("door", now.get(), true);
        h.flowed("slow", now.get(), false); // skipped by a gate: still a frame through
        advance(Duration.ofSeconds(9));
        h.flowed("door", now.get(), false);
        advance(Duration.ofSeconds(9));
        h.loopTurned(now.get());
        assertNull(h.problem(), "door 9 s, slow 18 s of 30");
        advance(Duration.ofMillis(1500));
        assertEquals("camera door: no frame for 11 s (limit 10 s)", h.problem()); // 10.5 s
        assertEquals(Health.CameraHealth.STALE, h.camera("door").health());
        h.flowed("door", now.get(), true);
        advance(Duration.ofSeconds(13));
        h.flowed("door", now.get(), true);
        h.loopTurned(now.get());
        assertEquals("camera slow: no frame for 33 s (limit 30 s)", h.problem());
    }

    @Test
    void endedSourcesAreNotExpectedToDeliver() {
        Health h = health("replay", Duration.ofSeconds(10));
        h.modelLoaded();
        h.loopTurned(now.get());
        h.cameraState("replay", CameraState.ENDED, null);
        advance(Duration.ofMinutes(5));
        h.loopTurned(now.get());
        assertNull(h.problem());
        assertEquals(Health.CameraHealth.ENDED, h.camera("replay").health());
        // A finite source that could not even start ended too, but that is worth a 503.
        Health h2 = health("replay", Duration.ofSeconds(10));
        h2.modelLoaded();
        h2.loopTurned(now.get());
        h2.cameraState("replay", CameraState.ENDED, "folder /nowhere does not exist");
        assertEquals("camera replay: ended: folder /nowhere does not exist", h2.problem());
        assertNull(h2.stuck(), "nothing a restart would fix");
    }

    @Test
    void theHeartbeatFiguresFollowFramesAndFailures() {
        Health h = health("door", Duration.ofSeconds(10));
        assertEquals(0, h.lastFlowNanos());
        h.flowed("door", 5, true);
        h.failed("door", 7);
        h.flowed("door", 9, false);
        assertEquals(9, h.lastFlowNanos());
        assertEquals(5, h.lastSuccessNanos());
        assertEquals(7, h.lastFailureNanos());
    }
}
