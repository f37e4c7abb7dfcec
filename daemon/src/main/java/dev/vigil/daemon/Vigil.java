package dev.vigil.daemon;

import dev.vigil.capture.CameraStats;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.ResultBus;
import dev.vigil.control.Control;
import dev.vigil.decision.DecisionStage;
import dev.vigil.events.EventStore;
import dev.vigil.gpio.GpioStage;
import dev.vigil.health.Health;
import dev.vigil.http.LiveView;
import dev.vigil.http.StatusServer;
import dev.vigil.metrics.FrameMeters;
import dev.vigil.metrics.Metrics;
import dev.vigil.mqtt.MqttBridge;
import dev.vigil.webhook.Webhooks;
import dev.vigil.pipeline.ModelId;
import dev.vigil.swap.DeployRequest;
import dev.vigil.swap.DeployResult;
import dev.vigil.swap.ModelSwap;
import dev.vigil.systemd.SystemdService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vigil running: every stage {@link Wiring} built, with read access for the status API, the systemd notifier and
 * tests, and the one shutdown order ({@link #close}).
 */
public final class Vigil implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Vigil.class);

    /** Replaced by a config reload ({@link Reload}), between two frames. */
    volatile VigilConfig config;
    final Wiring.Parts parts;
    final Health health;
    final Metrics metrics;
    final FrameMeters frames;
    final GpioStage gpio;            // null without a gpio: section
    final DecisionStage decisions;
    final ScheduledExecutorService ownTimers; // null when the GPIO stage's timer thread is shared
    final EventStore events;         // null when the events directory could not be used
    final LiveView live;
    final ResultBus bus;
    Daemon daemon;
    Control control;                 // the remote commands of MQTT and HTTP
    MqttBridge mqtt;                 // null without an mqtt: section
    Webhooks webhooks;               // null without a webhooks: section
    dev.vigil.sampling.Sampler sampler; // null when sampling is off
    dev.vigil.learn.LearnJobs learning; // the review page's learn; null when sampling is off
    dev.vigil.upload.Uploader upload;   // null without sampling.upload
    StatusServer http;               // null when not serving
    SystemdService systemd;
    Reload reload;                   // set once the daemon runs
    ModelSwap models;                // the hot swap of the model
    ScheduledExecutorService swapTimers;
    private boolean closed;
    private volatile boolean stopping; // a reload that comes during close changes nothing

    Vigil(VigilConfig config, Wiring.Parts parts, Health health, Metrics metrics, FrameMeters frames, GpioStage gpio, DecisionStage decisions,
          ScheduledExecutorService ownTimers, EventStore events, LiveView live, ResultBus bus) {
        this.config = config;
        this.parts = parts;
        this.health = health;
        this.metrics = metrics;
        this.frames = frames;
        this.gpio = gpio;
        this.decisions = decisions;
        this.ownTimers = ownTimers;
        this.events = events;
        this.live = live;
        this.bus = bus;
    }

    /** The running config: the one at start, or the last one a reload applied (sections kept until restart stay as at start). */
    public VigilConfig config() { return config; }

    /**
     * Reads the config file again and applies it, or changes nothing and says why in one line naming the key (SIGHUP,
     * {@code vigil reload}, {@code POST /api/reload}); see {@link Reload}.
     *
     * @param cause who asked, for the log line ({@code SIGHUP}, {@code http 127.0.0.1})
     */
    public Reload.Result reload(String cause) {
        Reload r = reload;
        if (r == null || stopping) return new Reload.Result(false, "reload: vigil is " + (r == null ? "starting" : "stopping")
                + "; nothing changed", "", java.util.List.of(), java.util.List.of());
        return r.run(cause);
    }

    /** The running config's file, sha256, load time and reload count. */
    public Reload.Status configStatus() { return reload == null ? null : reload.status(); }

    public Health health() { return health; }

    public Metrics metrics() { return metrics; }

    /** The frame path's counters and timers: the same meters /metrics exports. */
    public FrameMeters frames() { return frames; }

    public DecisionStage decisions() { return decisions; }

    /** The GPIO stage, or null without a gpio: section. */
    public GpioStage gpio() { return gpio; }

    /** The event store, or null when the events directory could not be used. */
    public EventStore events() { return events; }

    public LiveView live() { return live; }

    public ResultBus bus() { return bus; }

    public Daemon daemon() { return daemon; }

    /** The dataset store the sampler writes (the review page labels it), or null when sampling is off. */
    public dev.vigil.sampling.SampleStore samples() { return sampler == null ? null : sampler.store(); }

    /** Learning from the sample store on a thread of its own (the review page's learn); null when sampling is off. */
    public dev.vigil.learn.LearnJobs learning() { return learning; }

    /** The remote commands (arm, detection, snapshot, pulse, reset), shared by MQTT and HTTP. */
    public Control control() { return control; }

    /** The MQTT output, or null without an mqtt: section. */
    public MqttBridge mqtt() { return mqtt; }

    /** The webhooks (none configured: a webhooks stage that takes no frame, so a reload can add some). */
    public Webhooks webhooks() { return webhooks; }

    /** The HTTP server, or null when it is not serving. */
    public StatusServer http() { return http; }

    public ModelId model() { return daemon.model(); }

    /** The hot swap: the live model, the previous one in probation, the last deploy. */
    public ModelSwap models() { return models; }

    /**
     * Puts another model into the running daemon: loaded beside the live one, self-tested, switched between two frames;
     * or refused with one line, the live model running on. Blocks for the load and the self-test (seconds).
     */
    public DeployResult deployModel(DeployRequest request) { return models.deploy(request); }

    public List<CameraStats> cameraStats() { return daemon == null ? List.of() : daemon.cameraStats(); }

    /** Waits until the daemon stops by itself (--once: all finite sources done) or {@code timeout} passes. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException { return daemon.awaitStopped(timeout); }

    public Throwable failure() { return daemon.failure(); }

    /**
     * Stops in the one safe order: systemd told, HTTP closed, no new frames, the inference loop out, the consumers
     * drained (every event whole on disk; MQTT, the last consumer, sends what is left and "stopped"), native memory freed, QC audits flushed, every GPIO output safe, metrics last.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopping = true;
        if (reload != null) reload.awaitIdle(Duration.ofSeconds(2)); // a reload under way finishes before the cameras close
        List<Runnable> steps = new ArrayList<>();
        if (systemd != null) steps.add(systemd::close);
        if (http != null) steps.add(http::close);
        if (learning != null) steps.add(learning::close); // before the swap closes: a run's deploy needs it
        if (daemon != null) steps.add(daemon::stop);
        steps.add(bus::close);
        steps.add(() -> log.info("frame path stopped; consumers drained"));
        if (upload != null) steps.add(() -> {
            try {
                upload.close(); // an object half sent is sent again at the next start; the record holds what arrived
            } catch (java.io.IOException e) {
                log.warn("upload: closing its record failed: {}", e.toString());
            }
        });
        if (models != null) steps.add(() -> models.close(daemon.loopEnded()));
        if (swapTimers != null) steps.add(() -> {
            swapTimers.shutdown(); // a model being closed is closed whole; probation's timers are cancelled
            try {
                if (!swapTimers.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS)) swapTimers.shutdownNow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (daemon != null) steps.add(daemon::close);
        steps.add(decisions::close);
        if (gpio != null) steps.add(gpio::close);
        if (ownTimers != null) steps.add(ownTimers::shutdownNow);
        steps.add(metrics::close);
        for (Runnable r : steps) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("shutdown step failed: {}", e.toString());
            }
        }
    }
}
