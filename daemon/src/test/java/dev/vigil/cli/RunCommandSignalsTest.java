package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to a real {@code vigil run} (issue 10, item 7): SIGTERM at any moment exits 0 within 5 s, whatever the
 * cameras are doing; SIGHUP and SIGUSR1 are logged and never kill.
 */
class RunCommandSignalsTest {

    @TempDir Path tmp;

    private Path log;

    private Process run(Path config) throws IOException { return run(config, List.of()); }

    /** {@code vigil run}, behind {@code prefix} (e.g. nohup) when given. */
    private Process run(Path config, List<String> prefix) throws IOException {
        log = tmp.resolve("child.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", config.toString()));
        return new ProcessBuilder(dev.vigil.testing.DefaultSignals.command(cmd)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private String out() throws IOException { return Files.exists(log) ? Files.readString(log) : ""; }

    private static void signal(Process p, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor());
    }

    private static boolean waitFor(BooleanSupplier c, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    private boolean logged(String s) {
        try {
            return out().contains(s);
        } catch (IOException e) {
            return false;
        }
    }

    /** Accepts every connection and never answers: a camera behind it hangs in its connect or first read. */
    private static final class SilentServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 100);
        final List<Socket> held = new ArrayList<>();
        final Thread acceptor = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (held) { held.add(s); }
                }
            } catch (IOException closed) {
                // closed by the test
            }
        });

        SilentServer() throws IOException {}

        int port() { return server.getLocalPort(); }

        int accepted() { synchronized (held) { return held.size(); } }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) { for (Socket s : held) s.close(); }
        }
    }

    @Test
    void tenStuckCamerasSighupReloadsAndSigtermExitsZeroWithinFiveSeconds() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            StringBuilder cams = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                String url = (i % 2 == 0 ? "rtsp" : "http") + "://127.0.0.1:" + silent.port() + "/cam" + i;
                cams.append("  cam").append(i).append(":\n    source: { stream: \"").append(url)
                        .append("\", connect_timeout_s: 60, read_timeout_s: 60 }\n")
                        .append("    groups: { person: { labels: [person] } }\n");
            }
            Path cfg = Files.writeString(tmp.resolve("stuck.yaml"), """
                    model: ssd_mobilenet_v1_coco_quant
                    threads: 1
                    http: { listen: "127.0.0.1:0" }
                    events: { dir: %s }
                    cameras:
                    %s""".formatted(tmp.resolve("events"), cams));
            Process p = run(cfg);
            try {
                // generous bounds for the start: a loaded 2-core machine; the 5 s bound is the one the issue sets
                assertTrue(waitFor(() -> logged("running; events in") || !p.isAlive(), Duration.ofSeconds(120)), out());
                // The opens hang on the silent server; FFmpeg's grabber lets one open run at a time, so the others hang
                // waiting behind it: every camera is stuck in connect, the case the stop must not wait for one by one.
                assertTrue(waitFor(() -> silent.accepted() >= 1 && logged("camera cam9: CONNECTING"), Duration.ofSeconds(60)),
                        "the cameras hang on the silent server: " + silent.accepted() + "\n" + out());
                Thread.sleep(500);
                assertTrue(!logged(": UP"), "no camera may come up: " + out());

                signal(p, "HUP");
                signal(p, "USR1");
                // The same file again: nothing to change, and no camera stuck in its connect holds the reload up.
                assertTrue(waitFor(() -> logged("config reloaded (SIGHUP): no change") && logged("SIGUSR1: ignored"), Duration.ofSeconds(30)), out());
                assertTrue(p.isAlive(), "SIGHUP or SIGUSR1 stopped vigil: " + out());
                assertTrue(!p.waitFor(1, TimeUnit.SECONDS), "still running a second later: " + out());

                long t0 = System.nanoTime();
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM: " + out());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(0, p.exitValue(), out());
                assertTrue(logged("stopped in"), "clean stop logged: " + out());
                System.out.println("10 stuck cameras, SIGTERM to exit: " + ms + " ms");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void sigtermWhileTheModelLoadsExitsZeroWithinFiveSeconds() throws Exception {
        // The model's label file never comes: the child blocks opening it, the way a stuck pull or a slow disk would.
        Path labels = tmp.resolve("never.txt");
        assertEquals(0, new ProcessBuilder("mkfifo", labels.toString()).inheritIO().start().waitFor());
        Path cfg = Files.writeString(tmp.resolve("load.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                labels: %s
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 10, loop: true }
                    groups: { person: { labels: [person] } }
                """.formatted(labels, tmp.resolve("events"), TestData.images().toAbsolutePath()));
        Process p = run(cfg);
        try {
            assertTrue(waitFor(() -> readingTheFifo(p) || !p.isAlive(), Duration.ofSeconds(120)), "never reached the model: " + out());
            assertTrue(p.isAlive(), out());
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM during load: " + out());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, p.exitValue(), out());
            assertTrue(logged("SIGTERM: stopping"), out());
            System.out.println("SIGTERM during model load to exit: " + ms + " ms");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSighupIgnoredByWhatStartedVigilIsSaidAtStart() throws Exception {
        // nohup starts vigil with SIGHUP ignored; the JVM then installs no handler, so a reload by SIGHUP cannot work.
        Path cfg = Files.writeString(tmp.resolve("nohup.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 2, loop: true }
                    groups: { person: { labels: [person] } }
                """.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath()));
        Process p = run(cfg, List.of("nohup"));
        try {
            assertTrue(waitFor(() -> logged("running; events in") || !p.isAlive(), Duration.ofSeconds(120)), out());
            assertTrue(logged("SIGHUP: ignored by whatever started vigil (nohup does this to SIGHUP), so it does nothing here; "
                    + "reload with `vigil reload` or POST /api/reload"), out());
            assertTrue(!logged("SIGTERM: ignored"), out());
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), out());
            assertEquals(0, p.exitValue(), out());
        } finally {
            p.destroyForcibly();
        }
    }

    /** A thread of the child waits in the kernel for the FIFO's writer (Linux: its wchan is wait_for_partner). */
    private static boolean readingTheFifo(Process p) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
            return tasks.anyMatch(t -> {
                try {
                    return Files.readString(t.resolve("wchan")).contains("wait_for_partner");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }
}
