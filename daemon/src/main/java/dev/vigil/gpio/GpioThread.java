package dev.vigil.gpio;

import dev.vigil.time.TimeSource;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The GPIO stage's two threads: "vigil-gpio" writes the pins (output effects, QC pushes, the heartbeat) and does nothing
 * else, so no log write or lock elsewhere delays a pulse's end; "vigil-gpio-timers" runs the rest (debounce, alarm
 * timeouts, QC parts that got no frame, input edges and their logging).
 */
final class GpioThread {

    private static final ThreadLocal<Boolean> MARK = ThreadLocal.withInitial(() -> false);

    private GpioThread() {}

    /** The pin thread. */
    static ScheduledExecutorService start(TimeSource time) {
        return start(time, "vigil-gpio", true);
    }

    /** The timer thread. */
    static ScheduledExecutorService timers(TimeSource time) {
        return start(time, "vigil-gpio-timers", false);
    }

    private static ScheduledExecutorService start(TimeSource time, String name, boolean pins) {
        return time.scheduler(r -> Thread.ofPlatform().name(name).daemon(true)
                .priority(pins ? Thread.MAX_PRIORITY : Thread.NORM_PRIORITY).unstarted(() -> {
                    MARK.set(pins);
                    r.run();
                }));
    }

    static boolean isCurrent() { return MARK.get(); }
}
