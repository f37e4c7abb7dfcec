package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Daemon;
import dev.vigil.http.Observability;
import dev.vigil.model.ModelStore;
import dev.vigil.systemd.SystemdService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the daemon: cameras in, decisions and events out. Without --config: the demo "
        + "(the test images replayed in a loop).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file (default: the embedded demo).")
    Path config;

    @Option(names = "--once", description = "Process every finite source to its end, flush events and exit.")
    boolean once;

    @Option(names = "--mirror", paramLabel = "DIR", description = "Folder tried for models and images before downloading.")
    Path mirror;

    @Override
    public Integer call() throws Exception {
        if (mirror != null) System.setProperty("vigil.mirror", mirror.toString());
        VigilConfig cfg = config != null ? ConfigLoader.load(config) : ConfigLoader.demo(demoImages());
        // ---- GPIO (dev.vigil.gpio): outputs safe from here on; alarms, heartbeat, arm/wake/trigger inputs, QC. ----
        // The stage observes the frame path and gates frames; it is closed (every output safe) after the daemon, on
        // every way out: --once done, SIGTERM/SIGINT, a daemon that fails to start.
        dev.vigil.gpio.GpioStage gpio = cfg.gpio().present() ? dev.vigil.gpio.GpioStage.start(cfg) : null;
        Daemon.Options options = gpio != null ? gpio.wire(new Daemon.Options(once)) : new Daemon.Options(once);
        try {
            return run(cfg, options, gpio);
        } finally {
            if (gpio != null) gpio.close();
        }
        // ---- end GPIO ----
    }

    private Integer run(VigilConfig cfg, Daemon.Options options, dev.vigil.gpio.GpioStage gpio) throws Exception {
        // ---- observability (issue 5): logs per the config, metrics and power, live view, HTTP server (closed after the daemon) ----
        Observability obs = Observability.prepare(cfg);
        for (String w : cfg.warnings()) log.warn("{}: {}", cfg.file().map(Path::toString).orElse("config"), w);
        if (gpio != null) gpioMetrics(gpio, obs.metrics());
        // ---- systemd (Type=notify): READY=1 once every camera has a frame through the pipeline, WATCHDOG=1 while
        // frames flow, STATUS= a short line, STOPPING=1 when the shutdown begins (systemd.close() below).
        // Nothing is sent without $NOTIFY_SOCKET.
        SystemdService systemd = SystemdService.fromEnvironment(cfg);
        Daemon daemon;
        try {
            daemon = Daemon.start(cfg, systemd.observe(obs.observe(options)));
        } catch (RuntimeException e) {
            obs.close();
            throw e;
        }
        try {
            obs.start(daemon);
        } catch (IllegalArgumentException e) {
            if (!once) {
                daemon.close();
                obs.close();
                throw e;
            }
            log.warn("{}; this --once run goes on without the HTTP server", e.getMessage()); // a batch run beside a running daemon
        } catch (RuntimeException e) {
            daemon.close();
            obs.close();
            throw e;
        }
        systemd.start(daemon);
        // ---- end of observability and systemd wiring ----
        CountDownLatch terminated = new CountDownLatch(1);
        installSignalHandlers(daemon, terminated);
        if (once) {
            while (!daemon.awaitStopped(Duration.ofSeconds(1))) {
                if (terminated.getCount() == 0) break;
            }
            systemd.close();
            daemon.close();
            obs.close(); // after the daemon: the observers see its last frames
            log.info("done: {}", daemon.status());
            return daemon.failure() == null ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
        }
        log.info("running; events in {}; stop with Ctrl-C or SIGTERM", cfg.events().dir().toAbsolutePath());
        while (!terminated.await(1, java.util.concurrent.TimeUnit.SECONDS) && !daemon.awaitStopped(Duration.ZERO)) {
            // the daemon runs on its own threads
        }
        long t0 = System.nanoTime();
        systemd.close(); // STOPPING=1
        daemon.close();
        obs.close();
        log.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return daemon.failure() == null ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
    }

    /** The GPIO stage's alarm latency, alarm states and QC verdicts as metrics. */
    private static void gpioMetrics(dev.vigil.gpio.GpioStage gpio, dev.vigil.metrics.Metrics metrics) {
        gpio.latency().addListener(sample -> metrics.alarmLatency(sample.camera(), sample.nanos()));
        for (String camera : gpio.alarms().cameras())
            metrics.alarmState(camera, () -> gpio.alarms().state(camera).name().toLowerCase(java.util.Locale.ROOT));
        for (var station : gpio.qc().values())
            station.addListener(r -> metrics.qcCount(r.camera(), r.verdict().name().toLowerCase(java.util.Locale.ROOT)));
    }

    /** The folder of the test-images catalog: the mirror's own folder when it has them all, else a pulled copy. */
    static Path demoImages() {
        ModelStore store = ModelStore.fromEnvironment();
        Path first = null;
        boolean oneFolder = true;
        for (String name : store.images().names()) {
            Path p = store.image(name).toAbsolutePath().getParent();
            if (first == null) first = p;
            else if (!first.equals(p)) oneFolder = false;
        }
        return oneFolder && first != null ? first : store.pullAllImages(store.home().resolve("demo-images"));
    }

    /**
     * SIGTERM and SIGINT stop the daemon cleanly and exit 0, as systemd expects of a normal stop. A JVM shutdown hook
     * alone would exit 143; sun.misc.Signal (jdk.unsupported, present in every JDK) lets the command return normally.
     */
    @SuppressWarnings("removal")
    private static void installSignalHandlers(Daemon daemon, CountDownLatch terminated) {
        sun.misc.SignalHandler h = sig -> {
            log.info("SIG{}: stopping", sig.getName());
            terminated.countDown();
        };
        for (String s : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s), h);
            } catch (IllegalArgumentException e) {
                log.debug("cannot handle SIG{}: {}", s, e.getMessage());
            }
        }
    }
}
