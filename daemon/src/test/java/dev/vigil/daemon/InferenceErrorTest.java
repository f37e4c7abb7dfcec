package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The worker side of "an Error in any capture or worker thread is caught, logged once": an Error out of inference (a
 * delegate's natives, a stack overflow) stops the loop with the reason in the health model, which starves the systemd
 * watchdog, and makes the run fail (consumer threads: ResultBusTest.aConsumerThreadThatDiesIsReported).
 */
class InferenceErrorTest {

    @TempDir
    Path tmp;

    @Test
    void anErrorInInferenceIsLoggedOnceAndReportedAsStuck() throws Exception {
        String yaml = """
                model: %s
                events: { dir: %s }
                cameras:
                  yard:
                    source: { folder: %s, fps: 50, loop: true }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), TestData.images());
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        FakeEngine fake = FakeEngine.detector(rgb -> {
            throw new UnsatisfiedLinkError("libedgetpu.so.1: cannot open shared object file: No such file or directory");
        }, "person");
        Logger daemonLog = (Logger) LoggerFactory.getLogger(Daemon.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        daemonLog.addAppender(logged);
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers()))) {
            assertTrue(v.awaitStopped(Duration.ofSeconds(30)), "the loop stops instead of dying silently");
            assertInstanceOf(UnsatisfiedLinkError.class, v.failure());
            String stuck = v.health().stuck();
            assertTrue(stuck != null && stuck.startsWith("inference stopped: java.lang.UnsatisfiedLinkError: libedgetpu.so.1"), stuck);
            assertEquals(1, logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).count(), logged.list.toString());
        } finally {
            daemonLog.detachAppender(logged);
        }
    }
}
