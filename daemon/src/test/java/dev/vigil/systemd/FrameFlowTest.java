package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** The health check behind the watchdog, on a clock the test turns. */
class FrameFlowTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    FrameFlow flow(Map<String, Duration> windows) {
        return new FrameFlow(windows, now::get);
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    static Map<String, Duration> cams(Object... nameWindow) {
        Map<String, Duration> m = new LinkedHashMap<>();
        for (int i = 0; i < nameWindow.length; i += 2) m.put((String) nameWindow[i], (Duration) nameWindow[i + 1]);
        return m;
    }

    @Test
    void theWindowIsTenSecondsOrThreeFramePeriods() {
        assertEquals(Duration.ofSeconds(10), FrameFlow.window(new SourceSpec.Device("/dev/video0", 640, 480, 30, "mjpeg")));
        assertEquals(Duration.ofSeconds(30), FrameFlow.window(new SourceSpec.Folder(Path.of("/x"), 0.1, true)));
        assertEquals(Duration.ofSeconds(10), FrameFlow.window(new SourceSpec.Stream("rtsp://cam/1", "tcp", Duration.ofSeconds(5), Duration.ofSeconds(5))));
        assertEquals(Duration.ofSeconds(10), FrameFlow.window(new SourceSpec.Command(List.of("rpicam-vid"), true)));
        assertEquals(Duration.ofSeconds(10), FrameFlow.window(new SourceSpec.VideoFile(Path.of("/x.mp4"), true, 0)));
    }

    @Test
    void readyOnceEveryCameraHadAFrameThrough() {
        FrameFlow f = flow(cams("door", Duration.ofSeconds(10), "yard", Duration.ofSeconds(10)));
        assertFalse(f.ready());
        assertEquals(List.of("door", "yard"), f.waitingFor());
        f.frameProcessed("door", null, null, List.of(), 0);
        assertFalse(f.ready(), "yard has delivered nothing yet");
        assertEquals(List.of("yard"), f.waitingFor());
        f.frameSkipped("yard", null, "wake"); // a gate holding inference back must not keep the service from starting
        assertTrue(f.ready());
        assertTrue(f.health().flowing());
    }

    @Test
    void aFailedFrameIsNotAFrameThrough() {
        FrameFlow f = flow(cams("door", Duration.ofSeconds(10)));
        f.failed("door", "inference", new RuntimeException("edge tpu gone"));
        assertFalse(f.ready());
        f.frameProcessed("door", null, null, List.of(), 0);
        advance(Duration.ofSeconds(11));
        f.failed("door", "inference", new RuntimeException("edge tpu gone"));
        assertFalse(f.health().flowing(), "only failures for 11 s");
    }

    @Test
    void aCameraSilentLongerThanItsWindowStallsThePipeline() {
        FrameFlow f = flow(cams("door", Duration.ofSeconds(10), "slow", Duration.ofSeconds(30)));
        f.frameProcessed("door", null, null, List.of(), 0);
        f.frameSkipped("slow", null, "motion");
        advance(Duration.ofSeconds(9));
        f.frameSkipped("door", null, "motion"); // nothing moved: still a frame through
        advance(Duration.ofSeconds(9));
        assertTrue(f.health().flowing(), "door 9 s, slow 18 s of 30");
        f.cameraState("door", CameraState.UP, CameraState.DOWN, "no data within 10.0 s, aborting");
        advance(Duration.ofMillis(1500));
        FrameFlow.Health h = f.health();
        assertFalse(h.flowing());
        assertEquals("camera door: no frame for 11 s (limit 10 s), DOWN: no data within 10.0 s, aborting", h.problem());
        f.cameraState("door", CameraState.DOWN, CameraState.CONNECTING, null);
        f.cameraState("door", CameraState.CONNECTING, CameraState.UP, null);
        f.frameProcessed("door", null, null, List.of(), 0);
        assertTrue(f.health().flowing(), "frames again");
        advance(Duration.ofSeconds(9));
        f.frameProcessed("door", null, null, List.of(), 0);
        advance(Duration.ofSeconds(4));
        assertEquals("camera slow: no frame for 33 s (limit 30 s)", f.health().problem());
    }

    @Test
    void anEndedSourceDoesNotCount() {
        FrameFlow f = flow(cams("replay", Duration.ofSeconds(10), "door", Duration.ofSeconds(10)));
        f.cameraState("replay", CameraState.CONNECTING, CameraState.ENDED, null); // ended before a frame was read
        f.frameProcessed("door", null, null, List.of(), 0);
        assertTrue(f.ready());
        advance(Duration.ofMinutes(5));
        f.frameProcessed("door", null, null, List.of(), 0);
        assertTrue(f.health().flowing(), "the ended replay is not a stall");
        f.cameraState("door", CameraState.UP, CameraState.ENDED, null);
        advance(Duration.ofMinutes(5));
        assertTrue(f.health().flowing(), "everything ended: nothing is expected to flow");
    }

    @Test
    void camerasTheConfigDoesNotNameAreIgnored() {
        FrameFlow f = flow(cams("door", Duration.ofSeconds(10)));
        f.frameProcessed("other", null, null, List.of(), 0);
        f.cameraState("other", null, CameraState.ENDED, null);
        assertFalse(f.ready());
        assertEquals("camera door: no frame yet", f.health().problem());
    }
}
