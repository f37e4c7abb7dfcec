package dev.vigil.systemd;

import dev.vigil.daemon.Vigil;
import dev.vigil.health.Health;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vigil as a {@code Type=notify} service: tells systemd when it is ready, proves it is not stuck, and says when it
 * stops. Every answer comes from the health model ({@link Health}).
 * <ul>
 *   <li>{@code READY=1} once the model is loaded and the inference loop runs ({@link Health#ready()}), whatever the
 *       cameras do: a camera that is down at start reconnects on its own, and a restart would not help it;</li>
 *   <li>{@code WATCHDOG=1} every {@code WatchdogSec/3} ({@code $WATCHDOG_USEC / 3}; 10 s without it) while vigil itself
 *       is not stuck ({@link Health#stuck()}: the inference loop turns, no capture thread hangs past its timeouts, no
 *       needed thread died); a camera down and reconnecting keeps the watchdog fed and shows in STATUS;</li>
 *   <li>{@code STATUS=} a short line with every message ({@code 2/2 cameras up, 9.8 fps, 14 events}), shown by
 *       {@code systemctl status vigil};</li>
 *   <li>{@code STOPPING=1} when the shutdown begins.</li>
 * </ul>
 * Without {@code $NOTIFY_SOCKET} nothing is sent and no thread runs.
 */
public final class SystemdService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdService.class);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
    /** How often readiness is checked before READY (a cheap look at a few volatile fields). */
    private static final long READY_POLL_MS = 100;

    private final Notifier notifier;
    private final Duration period;
    private final boolean feedWatchdog;
    private final LongSupplier clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean stopping;

    SystemdService(Notifier notifier, Duration period, boolean feedWatchdog, LongSupplier clock) {
        this.notifier = notifier;
        this.period = period;
        this.feedWatchdog = feedWatchdog;
        this.clock = clock;
    }

    /** The service as the process environment describes it ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}). */
    public static SystemdService fromEnvironment() {
        return create(System.getenv(), ProcessHandle.current().pid());
    }

    static SystemdService create(Map<String, String> env, long pid) {
        Notifier n = Notifier.fromEnvironment(env);
        // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the variables is not it.
        String forPid = env.get("WATCHDOG_PID");
        boolean ours = forPid == null || forPid.isBlank() || forPid.strip().equals(Long.toString(pid));
        return new SystemdService(n, watchdogPeriod(env), ours, System::nanoTime);
    }

    /** {@code WATCHDOG_USEC / 3}, as sd_watchdog_enabled(3) advises (at least 1 ms); 10 s when unset or unreadable. */
    static Duration watchdogPeriod(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) return DEFAULT_PERIOD;
        try {
            long us = Long.parseLong(usec.strip());
            if (us <= 0) throw new NumberFormatException();
            return Duration.ofNanos(Math.max(1_000_000L, us * 1000 / 3));
        } catch (NumberFormatException e) {
            log.warn("systemd: WATCHDOG_USEC={} is not a positive number of microseconds; pinging every {} s", usec,
                    DEFAULT_PERIOD.toSeconds());
            return DEFAULT_PERIOD;
        }
    }

    public boolean enabled() {
        return notifier.enabled();
    }

    /** Starts the notifying thread for a started vigil (its model is loaded). */
    public synchronized void start(Vigil vigil) {
        if (!enabled() || thread != null) return;
        log.info("systemd: notifying {}; watchdog ping every {} ms while vigil is not stuck", notifier, period.toMillis());
        thread = Thread.ofPlatform().name("systemd-notify").daemon().start(() -> run(vigil.health(), new StatusLine(clock, vigil.health(), vigil.frames()::processed, vigil.frames()::events)));
    }

    void run(Health health, StatusLine status) {
        boolean ready = false, stalled = false;
        long next = 0;
        try {
            while (!stopping) {
                long now = clock.getAsLong();
                if (!ready) {
                    if (health.ready()) {
                        ready = true;
                        next = now;
                        notifier.send("READY=1\nSTATUS=" + status.line());
                        log.info("systemd: ready (model loaded, inference loop running)");
                    } else if (now - next >= 0) {
                        notifier.send("STATUS=starting: loading the model");
                        next = now + period.toNanos();
                    }
                }
                if (ready && now - next >= 0) {
                    String stuck = health.stuck();
                    if (stuck == null) {
                        if (stalled) log.info("systemd: vigil runs again; feeding the watchdog");
                        stalled = false;
                        notifier.send((feedWatchdog ? "WATCHDOG=1\n" : "") + "STATUS=" + status.line());
                    } else {
                        if (!stalled) log.error("systemd: {}; not feeding the watchdog (systemd restarts vigil when WatchdogSec passes)", stuck);
                        stalled = true;
                        notifier.send("STATUS=stuck: " + stuck);
                    }
                    next = now + period.toNanos();
                }
                long waitMs = ready ? Math.max(1, (next - clock.getAsLong()) / 1_000_000) : READY_POLL_MS;
                if (stop.await(waitMs, TimeUnit.MILLISECONDS)) break;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Without this thread the watchdog starves and systemd restarts vigil: the right outcome for a bug here too.
            log.error("systemd: notifier failed; the watchdog is no longer fed", e);
        }
    }

    /** Sends STOPPING=1 and ends the thread; call when the shutdown begins. Idempotent. */
    public synchronized void stopping() {
        if (stopping) return;
        stopping = true;
        stop.countDown();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (enabled()) notifier.send("STOPPING=1\nSTATUS=stopping");
    }

    @Override
    public void close() {
        stopping();
        notifier.close();
    }

    /** {@code 2/2 cameras up, 9.8 fps, 14 events} (fps over the time since the previous line), and what is down. */
    static final class StatusLine {
        private final LongSupplier clock;
        private final Health health;
        private final ToLongFunction<String> processedOf, eventsOf;
        private long lastAt, lastProcessed = -1;

        StatusLine(LongSupplier clock, Health health, ToLongFunction<String> processed, ToLongFunction<String> events) {
            this.clock = clock;
            this.health = health;
            this.processedOf = processed;
            this.eventsOf = events;
        }

        String line() {
            List<Health.CameraView> cams = health.cameras();
            long up = cams.stream().filter(c -> c.health() == Health.CameraHealth.FLOWING).count();
            long processed = 0, events = 0;
            for (Health.CameraView c : cams) {
                processed += processedOf.applyAsLong(c.camera());
                events += eventsOf.applyAsLong(c.camera());
            }
            long now = clock.getAsLong();
            String fps = lastProcessed < 0 || now == lastAt ? "-"
                    : String.format(Locale.ROOT, "%.1f", (processed - lastProcessed) * 1e9 / (now - lastAt));
            lastAt = now;
            lastProcessed = processed;
            String down = cams.stream().filter(c -> c.health() != Health.CameraHealth.FLOWING && c.health() != Health.CameraHealth.ENDED)
                    .map(c -> c.camera() + " " + c.reason()).findFirst().map(d -> "; " + d).orElse("");
            return up + "/" + cams.size() + " cameras up, " + fps + " fps, " + events + (events == 1 ? " event" : " events") + down;
        }
    }
}
