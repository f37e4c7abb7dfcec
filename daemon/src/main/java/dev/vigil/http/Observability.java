package dev.vigil.http;

import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Daemon;
import dev.vigil.logging.LogSetup;
import dev.vigil.metrics.Metrics;

/**
 * The observability stage wired in one place: the config's logging, the metrics (with the power sensor) and the live
 * view as observers of the frame path, and the HTTP server once the daemon runs.
 *
 * <pre>
 * Observability obs = Observability.prepare(cfg);
 * Daemon d = Daemon.start(cfg, obs.observe(options));
 * obs.start(d);          // metrics bound to the daemon, HTTP listening
 * ...
 * obs.close();           // HTTP first, then the live view and the metrics; the daemon is closed by its owner
 * </pre>
 */
public final class Observability implements AutoCloseable {

    private final VigilConfig config;
    private final Metrics metrics;
    private final LiveView live;
    private volatile StatusServer http;

    private Observability(VigilConfig config, Metrics metrics, LiveView live) {
        this.config = config;
        this.metrics = metrics;
        this.live = live;
    }

    /** Applies the logging section and builds the metrics (choosing the power sensor) and the live view. */
    public static Observability prepare(VigilConfig config) {
        LogSetup.apply(config.logging());
        return prepare(config, Metrics.create(config));
    }

    /** With metrics built elsewhere (tests give fixture machines). */
    public static Observability prepare(VigilConfig config, Metrics metrics) {
        LiveView live = new LiveView(config.enabledCameras().stream().map(c -> c.name()).toList(), StatusServer.STREAM_FPS);
        return new Observability(config, metrics, live);
    }

    /** The daemon's options with the metrics and live view observing the frame path. */
    public Daemon.Options observe(Daemon.Options options) {
        return options.withObserver(metrics.observer()).withObserver(live);
    }

    /**
     * Binds the metrics to the running daemon and starts the HTTP server.
     *
     * @throws IllegalArgumentException when the HTTP address cannot be bound (one line)
     */
    public void start(Daemon daemon) {
        start(daemon, Metrics.FRESH);
    }

    void start(Daemon daemon, java.time.Duration fresh) {
        metrics.bind(daemon);
        http = StatusServer.start(config.http(), daemon, metrics, live, fresh);
    }

    public Metrics metrics() { return metrics; }

    public LiveView live() { return live; }

    /** The HTTP server, null before {@link #start}. */
    public StatusServer http() { return http; }

    @Override
    public void close() {
        StatusServer h = http;
        if (h != null) h.close();
        live.close();
        metrics.close();
    }
}
