package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per events directory (issue 10, item 5: two daemons on one directory lost events). */
class EventDirectoryLockTest {

    @TempDir Path tmp;

    private static final String CONFIG = """
            model: ssd_mobilenet_v1_coco_quant
            threads: 1
            http: { listen: "127.0.0.1:0" }
            events: { dir: %s }
            cameras:
              door:
                source: %s
                groups: { person: { labels: [person] } }
            """;

    private static final Retention KEEP = new Retention(100, 0, null);

    @Test
    void aSecondStoreInThisProcessIsRefusedNamingThePidUntilTheFirstCloses() throws Exception {
        Path dir = tmp.resolve("events");
        long me = ProcessHandle.current().pid();
        try (EventStore first = EventStore.open(dir, KEEP)) {
            assertEquals(me + "\n", Files.readString(dir.resolve(EventDirectoryLock.FILE), UTF_8));
            var e = assertThrows(EventDirectoryLockedException.class, () -> EventStore.open(dir, KEEP));
            assertEquals(me, e.holderPid());
            assertTrue(e.getMessage().contains("another vigil (pid " + me + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve(EventDirectoryLock.FILE).toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            // the same directory spelled differently is the same directory
            assertThrows(EventDirectoryLockedException.class, () -> EventStore.open(tmp.resolve("x/../events"), KEEP));
            // the refusal must not have released the holder's OS lock (closing a channel on the file would)
            try (FileChannel ch = FileChannel.open(dir.resolve(EventDirectoryLock.FILE), StandardOpenOption.WRITE)) {
                assertThrows(java.nio.channels.OverlappingFileLockException.class, ch::tryLock);
            }
        }
        try (EventStore again = EventStore.open(dir, KEEP)) {
            assertEquals(0, again.stats().events());
        }
    }

    @Test
    void vigilRunInAnotherProcessRefusesADirectoryThisProcessHolds() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("events"));
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, CONFIG.formatted(dir,
                "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 10, loop: true }"));
        Path log = tmp.resolve("child.log");
        // An OS lock taken the way another vigil takes it, pid written, as a foreign holder would.
        try (FileChannel ch = FileChannel.open(dir.resolve(EventDirectoryLock.FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            ch.write(java.nio.ByteBuffer.wrap("424242\n".getBytes(UTF_8)));
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                    "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                    "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // generous: the child loads the model first on a loaded 2-core machine
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running: " + Files.readString(log));
                String out = Files.readString(log);
                assertEquals(2, p.exitValue(), out);
                assertTrue(out.contains("events.dir: events directory " + dir + " cannot be used: another vigil (pid 424242)"),
                        out);
                assertFalse(Files.exists(dir.resolve(EventStore.JOURNAL)), "the refused daemon wrote nothing");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void checkConfigBesideTheRunningVigilNotesItInsteadOfFailingOnItsPort() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("events"));
        try (java.net.ServerSocket port = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path cfg = tmp.resolve("run.yaml");
            Files.writeString(cfg, CONFIG.formatted(dir, "{ folder: " + TestData.images().toAbsolutePath() + " }")
                    .replace("127.0.0.1:0", "127.0.0.1:" + port.getLocalPort()));
            Path log = tmp.resolve("check.log");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder check = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                    "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                    "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "check-config", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            // nobody holds the events directory: the port held by something else is the error
            Process p = check.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
            assertEquals(2, p.exitValue(), Files.readString(log));
            assertTrue(Files.readString(log).contains("127.0.0.1:" + port.getLocalPort() + " is in use by another process"),
                    Files.readString(log));
            // the vigil that holds the directory (pid written, as a foreign holder would) also holds the port
            try (FileChannel ch = FileChannel.open(dir.resolve(EventDirectoryLock.FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock held = ch.lock()) {
                ch.write(java.nio.ByteBuffer.wrap("424242\n".getBytes(UTF_8)));
                p = check.start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
                String out = Files.readString(log);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("note: a vigil (pid 424242) runs on events.dir " + dir + "; its port 127.0.0.1:"
                        + port.getLocalPort() + " is not checked (a restart frees both)"), out);
            }
        }
    }
}
