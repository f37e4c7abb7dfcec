package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
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
        ModelStore store = ModelStore.fromEnvironment();
        if (mirror != null) store = store.withMirror(mirror, "--mirror");
        VigilConfig cfg = config != null ? ConfigLoader.load(config) : ConfigLoader.demo(demoImages(store));
        // Handlers first: a SIGTERM while the model loads is a clean stop (exit 0) as soon as start returns.
        CountDownLatch terminated = new CountDownLatch(1);
        installSignalHandlers(terminated);
        // Every stage is built by the wiring, logging first; a failure closes what was built (GPIO outputs safe).
        Vigil vigil = Wiring.start(cfg, Wiring.Parts.real(store, once));
        try {
            if (once) {
                while (!vigil.awaitStopped(Duration.ofSeconds(1))) {
                    if (terminated.getCount() == 0) break;
                }
            } else {
                log.info("running; events in {}; stop with Ctrl-C or SIGTERM", cfg.events().dir().toAbsolutePath());
                while (!terminated.await(1, java.util.concurrent.TimeUnit.SECONDS) && !vigil.awaitStopped(Duration.ZERO)) {
                    // the daemon runs on its own threads
                }
            }
        } finally {
            long t0 = System.nanoTime();
            vigil.close();
            log.info("stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        if (once) log.info("done: {}", vigil.cameraStats());
        return vigil.failure() == null ? Main.EXIT_OK : Main.EXIT_FAILED_INPUTS;
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
     * SIGTERM and SIGINT stop the daemon cleanly and exit 0, as systemd expects of a normal stop. A JVM shutdown hook
     * alone would exit 143; sun.misc.Signal (jdk.unsupported, present in every JDK) lets the command return normally.
     */
    @SuppressWarnings("removal")
    private static void installSignalHandlers(CountDownLatch terminated) {
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
