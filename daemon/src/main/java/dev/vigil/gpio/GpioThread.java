package dev.vigil.gpio;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The one thread that writes pins and runs every timer of the GPIO stage (effects, debounce, heartbeat, QC pushes). */
final class GpioThread {

    private static final ThreadLocal<Boolean> MARK = ThreadLocal.withInitial(() -> false);

    private GpioThread() {}

    static ScheduledExecutorService start() {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("vigil-gpio").daemon(true)
                .priority(Thread.MAX_PRIORITY).unstarted(() -> {
                    MARK.set(true);
                    r.run();
                }));
        ex.setRemoveOnCancelPolicy(true);
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return ex;
    }

    static boolean isCurrent() { return MARK.get(); }
}
