package dev.vigil.cli;

import dev.vigil.capture.CameraStats;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.gpio.MockInputs;
import dev.vigil.model.ModelStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Run the daemon: cameras in, decisions and events out. Without --config: the demo "
        + "(the test images replayed in a loop).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /** How long a stop asked during start waits for start to return: within systemd's and the 5 s. */
    private static final Duration START_GRACE = Duration.ofSeconds(3);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file (default: the embedded demo).")
    Path config;

    @Option(names = "--once", description = "Process every finite source to its end, flush events and exit.")
    boolean once;

    @Option(names = "--mirror", paramLabel = "DIR", description = "Folder tried for models and images before downloading.")
    Path mirror;

    @Option(names = "--allow-modified-model", description = "Load a model file named like a catalog model whose sha256 differs"
            + " (warned; by default refused: a damaged model reports wrong classes).")
    boolean allowModifiedModel;

    @Option(names = "--mock-input", paramLabel = "NAME=LEVEL", description = "Where GPIO is the mock (no chip, gpio.mock: true): "
            + "the level an input of gpio.inputs holds, by name or kind; LEVEL: active, inactive, high or low. Repeatable, "
            + "e.g. --mock-input arm=active --mock-input pir=active.")
    java.util.List<String> mockInputs = java.util.List.of();

    @Option(names = "--json", description = "With --once: the closing summary as one JSON object per camera.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Handlers first: a SIGTERM while the config is read or the model loads is a clean stop (exit 0).
        if (json && !once) throw new Main.UsageException("--json goes with --once (the summary printed at the end)");
        CountDownLatch terminated = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Vigil> runningVigil = new java.util.concurrent.atomic.AtomicReference<>();
        installSignalHandlers(terminated, started, runningVigil);
        ModelStore store = ModelStore.fromEnvironment().allowingModifiedModels(allowModifiedModel);
        if (mirror != null) store = store.withMirror(mirror, "--mirror");
        Vigil vigil;
        try {
            VigilConfig cfg = config != null ? ConfigLoader.load(config) : ConfigLoader.demo(demoImages(store));
            var levels = MockInputs.parse(mockInputs, cfg.gpio()); // a wrong name stops here, before the model loads
            Wiring.Parts parts = Wiring.Parts.real(store, once);
            // Every stage is built by the wiring, logging first; a failure closes what was built (GPIO outputs safe).
            vigil = Wiring.start(cfg, parts.withPins(MockInputs.pins(parts.pins(), levels)));
        } finally {
            started.countDown();
        }
        runningVigil.set(vigil);
        VigilConfig cfg = vigil.config();
        try {
            if (once) {
                while (!vigil.awaitStopped(Duration.ofSeconds(1))) {
                    if (terminated.getCount() == 0) break;
                }
            } else {
                log.info("running; events in {}; stop with Ctrl-C or SIGTERM", cfg.events().dir().toAbsolutePath());
                while (!terminated.await(1, TimeUnit.SECONDS) && !vigil.awaitStopped(Duration.ZERO)) {
                    // the daemon runs on its own threads
                }
            }
        } finally {
            long t0 = System.nanoTime();
            vigil.close();
            log.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        if (once) {
            var out = spec.commandLine().getOut();
            for (OnceSummary c : OnceSummary.of(vigil)) out.println(json ? c.json() : c.text());
            out.flush();
        }
        if (vigil.failure() != null) return Main.EXIT_FAILED_INPUTS;
        if (once && !neverRead(vigil).isEmpty()) return Main.EXIT_NO_FRAMES;
        return Main.EXIT_OK;
    }

    /**
     * The cameras whose source never delivered a frame, each logged with its reason: a --once run over a clip that
     * FFmpeg's natives could not open must not pass for a run over an empty clip.
     */
    static List<String> neverRead(Vigil vigil) {
        List<String> out = new ArrayList<>();
        for (CameraStats s : vigil.cameraStats()) {
            if (s.captured() > 0) continue;
            String why = vigil.health().camera(s.camera()).reason();
            log.error("camera {}: no frame was ever read{}", s.camera(), why == null ? "" : " (" + why + ")");
            out.add(s.camera());
        }
        return out;
    }

    /** The folder of the test-images catalog: the mirror's own folder when it has them all, else a pulled copy. */
    static Path demoImages(ModelStore store) {
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
     * A stop asked while start is still under way after a few seconds: the wiring loads the model first (a pull over a
     * slow link, a file that does not come) and builds the rest, outputs included, in well under a second after it; so a
     * start that slow is in the model, before any output exists, and exiting leaves nothing unsafe. Once start returns,
     * the normal stop closes everything in order.
     */
    private static void exitIfStillStarting(CountDownLatch started) {
        try {
            if (started.await(START_GRACE.toMillis(), TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            return;
        }
        log.warn("stopping while still starting (after {} s the model has not loaded); exiting without it",
                START_GRACE.toSeconds());
        System.exit(Main.EXIT_OK);
    }

    /**
     * SIGTERM and SIGINT stop the daemon cleanly and exit 0, as systemd expects of a normal stop. A JVM shutdown hook
     * alone would exit 143; sun.misc.Signal (jdk.unsupported, present in every JDK) lets the command return normally.
     * SIGHUP (the JVM's default: shut down) reloads the config file ({@link Vigil#reload}); SIGUSR1/SIGUSR2 (the OS
     * default: die without a word) never stop it: each is logged as ignored.
     */
    @SuppressWarnings("removal")
    private static void installSignalHandlers(CountDownLatch terminated, CountDownLatch started,
                                              java.util.concurrent.atomic.AtomicReference<Vigil> running) {
        sun.misc.SignalHandler stop = sig -> {
            log.info("SIG{}: stopping", sig.getName());
            terminated.countDown();
            if (started.getCount() > 0) Thread.ofPlatform().name("vigil-stop").daemon(true).start(() -> exitIfStillStarting(started));
        };
        sun.misc.SignalHandler ignore = sig -> log.warn("SIG{}: ignored (vigil gives it no meaning)", sig.getName());
        sun.misc.SignalHandler reload = sig -> {
            Vigil v = running.get();
            if (v == null) {
                log.warn("SIGHUP: vigil is still starting; the config it starts with is read now, send SIGHUP again to reload later");
                return;
            }
            log.info("SIGHUP: reloading the config");
            // Its own thread: the reload waits for a frame boundary, and the JVM's signal thread should not.
            Thread.ofPlatform().name("vigil-reload").daemon(true).start(() -> v.reload("SIGHUP"));
        };
        for (String s : new String[] {"TERM", "INT", "HUP", "USR1", "USR2"}) {
            try {
                sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal(s),
                        s.equals("TERM") || s.equals("INT") ? stop : s.equals("HUP") ? reload : ignore);
                // A signal ignored when the JVM started (nohup ignores SIGHUP) stays ignored: the JVM installs no handler.
                if (before == sun.misc.SignalHandler.SIG_IGN && !s.startsWith("USR"))
                    log.warn("SIG{}: ignored by whatever started vigil (nohup does this to SIGHUP), so it does nothing here; {}", s,
                            s.equals("HUP") ? "reload with `vigil reload` or POST /api/reload" : "stop vigil with another signal");
            } catch (IllegalArgumentException e) {
                // The JVM keeps some signals for itself (SIGUSR2 on some platforms); it then handles them without dying.
                log.debug("cannot handle SIG{}: {}", s, e.getMessage());
            }
        }
    }
}
