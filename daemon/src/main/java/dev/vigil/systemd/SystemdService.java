package dev.vigil.systemd;

import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Daemon;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vigil as a {@code Type=notify} service: tells systemd when it is ready, proves it is alive while frames flow, and
 * says when it stops.
 * <ul>
 *   <li>{@code READY=1} once the model is loaded ({@link #start} is called after {@code Daemon.start} returned) and
 *       {@link FrameFlow#ready()}: every camera has had a frame through the pipeline;</li>
 *   <li>{@code WATCHDOG=1} every {@code WatchdogSec/3} ({@code $WATCHDOG_USEC / 3}; 10 s without it) while
 *       {@link FrameFlow#health()} passes; a stalled pipeline stops the pings and systemd restarts the service;</li>
 *   <li>{@code STATUS=} a short line with every message ({@code 2/2 cameras up, 9.8 fps, 14 events}), shown by
 *       {@code systemctl status vigil};</li>
 *   <li>{@code STOPPING=1} when the shutdown begins.</li>
 * </ul>
 * Without {@code $NOTIFY_SOCKET} nothing is sent, no thread runs and no observer is added.
 */
public final class SystemdService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdService.class);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
    /** How often readiness is checked before READY (a cheap look at a few volatile fields). */
    private static final long READY_POLL_MS = 100;

    private final Notifier notifier;
    private final FrameFlow flow;
    private final Duration period;
    private final boolean feedWatchdog;
    private final LongSupplier clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;
    private volatile boolean stopping;

    SystemdService(Notifier notifier, FrameFlow flow, Duration period, boolean feedWatchdog, LongSupplier clock) {
        this.notifier = notifier;
        this.flow = flow;
        this.period = period;
        this.feedWatchdog = feedWatchdog;
        this.clock = clock;
    }

    /** The service as the process environment describes it ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}). */
    public static SystemdService fromEnvironment(VigilConfig config) {
        return create(config, System.getenv(), ProcessHandle.current().pid());
    }

    static SystemdService create(VigilConfig config, Map<String, String> env, long pid) {
        Notifier n = Notifier.fromEnvironment(env);
        // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited the variables is not it.
        String forPid = env.get("WATCHDOG_PID");
        boolean ours = forPid == null || forPid.isBlank() || forPid.strip().equals(Long.toString(pid));
        return new SystemdService(n, FrameFlow.of(config), watchdogPeriod(env), ours, System::nanoTime);
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

    /** The daemon's options with the frame-flow observer added (unchanged when nothing is sent). */
    public Daemon.Options observe(Daemon.Options options) {
        return enabled() ? options.withObserver(flow) : options;
    }

    /** Starts the notifying thread for a started daemon (its model is loaded). */
    public synchronized void start(Daemon daemon) {
        if (!enabled() || thread != null) return;
        log.info("systemd: notifying {}; watchdog ping every {} ms while frames flow", notifier, period.toMillis());
        thread = Thread.ofPlatform().name("systemd-notify").daemon().start(() -> run(daemon));
    }

    private void run(Daemon daemon) {
        StatusLine status = new StatusLine(clock);
        boolean ready = false, stalled = false;
        long next = 0;
        try {
            while (!stopping) {
                long now = clock.getAsLong();
                if (!ready) {
                    if (flow.ready()) {
                        ready = true;
                        next = now;
                        notifier.send("READY=1\nSTATUS=" + status.line(daemon.status()));
                        log.info("systemd: ready (every camera has a frame through the pipeline)");
                    } else if (now - next >= 0) {
                        notifier.send("STATUS=starting: waiting for the first frame of " + String.join(", ", flow.waitingFor()));
                        next = now + period.toNanos();
                    }
                }
                if (ready && now - next >= 0) {
                    FrameFlow.Health h = flow.health();
                    String line = status.line(daemon.status());
                    if (h.flowing()) {
                        if (stalled) log.info("systemd: frames flow again; feeding the watchdog");
                        stalled = false;
                        notifier.send((feedWatchdog ? "WATCHDOG=1\n" : "") + "STATUS=" + line);
                    } else {
                        if (!stalled) log.warn("systemd: {}; not feeding the watchdog (systemd restarts vigil when WatchdogSec passes)", h.problem());
                        stalled = true;
                        notifier.send("STATUS=stalled: " + h.problem());
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

    /** {@code 2/2 cameras up, 9.8 fps, 14 events}: fps over the time since the previous line. */
    static final class StatusLine {
        private final LongSupplier clock;
        private long lastAt, lastProcessed = -1;

        StatusLine(LongSupplier clock) {
            this.clock = clock;
        }

        String line(List<Daemon.CameraStatus> cameras) {
            long up = cameras.stream().filter(c -> "UP".equals(c.state())).count();
            long processed = cameras.stream().mapToLong(Daemon.CameraStatus::processed).sum();
            long events = cameras.stream().mapToLong(Daemon.CameraStatus::events).sum();
            long now = clock.getAsLong();
            String fps = lastProcessed < 0 || now == lastAt ? "-"
                    : String.format(Locale.ROOT, "%.1f", (processed - lastProcessed) * 1e9 / (now - lastAt));
            lastAt = now;
            lastProcessed = processed;
            return up + "/" + cameras.size() + " cameras up, " + fps + " fps, " + events + (events == 1 ? " event" : " events");
        }
    }
}
