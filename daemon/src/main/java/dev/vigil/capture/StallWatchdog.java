package dev.vigil.capture;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static dev.vigil.capture.CameraStatus.seconds;

/**
 * Aborts a source whose open or read call has been blocked past its {@link FrameSource#stallLimit()}: the capture
 * thread cannot notice that itself while it is inside the call.
 */
final class StallWatchdog {

    private final FrameSource source;
    private final CaptureLoop loop;
    private final CameraStatus status;
    private final TimeSource time;
    private final ScheduledFuture<?> task;
    /** The busySince of the call last aborted (watchdog thread only). */
    private long abortedCall;

    private StallWatchdog(FrameSource source, CaptureLoop loop, CameraStatus status, TimeSource time) {
        this.source = source;
        this.loop = loop;
        this.status = status;
        this.time = time;
        this.task = Shared.EXECUTOR.scheduleWithFixedDelay(this::check, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Watches the loop's calls, or returns null for a source with no stall limit. */
    static StallWatchdog watch(FrameSource source, CaptureLoop loop, CameraStatus status, TimeSource time) {
        return source.stallLimit() == null ? null : new StallWatchdog(source, loop, status, time);
    }

    void stop() {
        task.cancel(false);
    }

    private void check() {
        long since = loop.busySince();
        Duration limit = source.stallLimit();
        if (since == 0 || limit == null || since == abortedCall) return;
        long stuck = time.nanoTime() - since;
        if (stuck > limit.toNanos()) {
            abortedCall = since;
            status.set(CameraState.DOWN, "no data within " + seconds(limit) + ", aborting");
            source.abort();
        }
    }

    /** One daemon thread for all cameras; it only reads volatile fields and calls abort(). */
    private static final class Shared {
        static final ScheduledExecutorService EXECUTOR;

        static {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name("capture-watchdog").daemon().factory());
            e.setRemoveOnCancelPolicy(true);
            EXECUTOR = e;
        }
    }
}
