package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.capture.CameraStats;
import dev.vigil.daemon.Daemon;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SystemdServiceTest {

    @Test
    void theWatchdogIsPingedThreeTimesPerWatchdogSec() {
        assertEquals(Duration.ofSeconds(10), SystemdService.watchdogPeriod(Map.of("WATCHDOG_USEC", "30000000")));
        assertEquals(Duration.ofMillis(500), SystemdService.watchdogPeriod(Map.of("WATCHDOG_USEC", "1500000")));
        assertEquals(SystemdService.DEFAULT_PERIOD, SystemdService.watchdogPeriod(Map.of()));
        assertEquals(SystemdService.DEFAULT_PERIOD, SystemdService.watchdogPeriod(Map.of("WATCHDOG_USEC", "soon")));
        assertEquals(SystemdService.DEFAULT_PERIOD, SystemdService.watchdogPeriod(Map.of("WATCHDOG_USEC", "-5")));
        assertEquals(Duration.ofMillis(1), SystemdService.watchdogPeriod(Map.of("WATCHDOG_USEC", "30")));
    }

    static Daemon.CameraStatus cam(String name, String state, long processed, long events) {
        return new Daemon.CameraStatus(name, state, new CameraStats(name, null, 0, 0, 0, 0, 0), processed, 0, 0, events, 0, 0);
    }

    @Test
    void theStatusLineCountsCamerasUpFramesPerSecondAndEvents() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        SystemdService.StatusLine s = new SystemdService.StatusLine(now::get);
        assertEquals("1/2 cameras up, - fps, 1 event", s.line(List.of(cam("door", "UP", 10, 1), cam("yard", "DOWN", 0, 0))));
        now.addAndGet(2_000_000_000L);
        assertEquals("2/2 cameras up, 9.5 fps, 3 events", s.line(List.of(cam("door", "UP", 25, 2), cam("yard", "UP", 4, 1))));
    }
}
