package dev.vigil.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.testing.TestData;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run} refuses what would fail later (events directory, camera folder, HTTP port) before the model
 * opens and before anything is recorded, with the line check-config prints.
 */
class RunPreflightTest {

    @TempDir
    Path tmp;

    final AtomicInteger opened = new AtomicInteger();

    Path config(String listen, Path events, Path folder) throws Exception {
        return Files.writeString(tmp.resolve("door.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "%s" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                """.formatted(listen, events, folder));
    }

    ConfigException refused(Path file, boolean once) {
        VigilConfig cfg = ConfigLoader.load(file);
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(once)
                .withAnalyzers((spec, o) -> {
                    opened.incrementAndGet();
                    return Analyzer.open(spec, o);
                });
        ConfigException e = assertThrows(ConfigException.class, () -> Wiring.start(cfg, parts).close());
        assertEquals(2, e.exitCode());
        assertEquals(0, opened.get(), "the model was never loaded");
        return e;
    }

    @Test
    void anEventsDirWithAFileInItsPlaceStopsTheStartBeforeTheModelLoads() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("events"), "not a directory");
        Path file = config("127.0.0.1:0", notADir, TestData.images().toAbsolutePath());
        ConfigException e = refused(file, true);
        assertEquals(file + ": events.dir: " + notADir + " is a file, not a directory; remove the file or set events.dir to a directory",
                e.located());
        assertEquals(List.of("events.dir: " + notADir + " is a file, not a directory; remove the file or set events.dir to a directory"),
                Preflight.problems(ConfigLoader.load(file), true), "check-config lists the same line");
    }

    @Test
    void aMissingCameraFolderStopsTheStartAndNothingIsRecorded() throws Exception {
        Path events = tmp.resolve("events");
        Path file = config("127.0.0.1:0", events, tmp.resolve("gone"));
        ConfigException e = refused(file, true);
        assertEquals(file + ": cameras.door.source.folder: " + tmp.resolve("gone") + " does not exist; create it or set the folder"
                + " of a camera that exists", e.located());
        assertFalse(Files.exists(events), "not even the events folder was made");
    }

    @Test
    void aTakenPortStopsTheDaemonBeforeTheModelLoadsButNotABatchRun() throws Exception {
        Path events = tmp.resolve("events");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            Path file = config(listen, events, TestData.images().toAbsolutePath());
            ConfigException e = refused(file, false);
            assertEquals(file + ": http.listen: " + listen + " is in use by another process (a vigil already running?); stop it or"
                    + " set http.listen to a free port", e.located());
            assertFalse(Files.exists(events), "nothing recorded");
            // A --once batch beside a running daemon goes on without its HTTP server, as before.
            assertTrue(Preflight.problems(ConfigLoader.load(file), false).isEmpty());
        }
    }

    @Test
    void twoProblemsNameTheFirstAndCountTheRest() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("events"), "x");
        Path file = config("127.0.0.1:0", notADir, tmp.resolve("gone"));
        ConfigException e = refused(file, true);
        assertTrue(e.getMessage().startsWith("events.dir: ") && e.getMessage().endsWith(" (and 1 more: see vigil check-config)"),
                e.getMessage());
    }
}
