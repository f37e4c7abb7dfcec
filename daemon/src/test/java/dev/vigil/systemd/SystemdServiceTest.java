package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.capture.CameraState;
import dev.vigil.health.Health;
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

    @Test
    void theStatusLineCountsCamerasDeliveringFramesPerSecondEventsAndWhatIsDown() {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        Health h = new Health(new java.util.LinkedHashMap<>(Map.of("door", Duration.ofSeconds(10))), now::get);
        Map<String, Long> processed = new java.util.HashMap<>(Map.of("door", 10L)), events = new java.util.HashMap<>(Map.of("door", 1L));
        SystemdService.StatusLine s = new SystemdService.StatusLine(now::get, h, processed::get, events::get);
        h.cameraState("door", CameraState.DOWN, "connection refused; retry in 2s");
        assertEquals("0/1 cameras up, - fps, 1 event; door down: connection refused; retry in 2s", s.line());
        h.cameraState("door", CameraState.UP, null);
        h.flowed("door", now.get(), true);
        now.addAndGet(2_000_000_000L);
        processed.put("door", 29L);
        events.put("door", 3L);
        assertEquals("1/1 cameras up, 9.5 fps, 3 events", s.line());
    }
}
