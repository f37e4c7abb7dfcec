package dev.vigil.gpio;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The GPIO stage's two threads: "vigil-gpio" writes the pins (output effects, QC pushes, the heartbeat) and does nothing
 * else, so no log write or lock elsewhere delays a pulse's end; "vigil-gpio-timers" runs the rest (debounce, alarm
 * timeouts, QC parts that got no frame, input edges and their logging).
 */
final class GpioThread {

    private static final ThreadLocal<Boolean> MARK = ThreadLocal.withInitial(() -> false);

    private GpioThread() {}

    /** The pin thread. */
    static ScheduledExecutorService start() {
        return start("vigil-gpio", true);
    }

    /** The timer thread. */
    static ScheduledExecutorService timers() {
        return start("vigil-gpio-timers", false);
    }

    private static ScheduledExecutorService start(String name, boolean pins) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name(name).daemon(true)
                .priority(pins ? Thread.MAX_PRIORITY : Thread.NORM_PRIORITY).unstarted(() -> {
                    MARK.set(pins);
                    r.run();
                }));
        ex.setRemoveOnCancelPolicy(true);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return ex;
    }

    static boolean isCurrent() { return MARK.get(); }
}
