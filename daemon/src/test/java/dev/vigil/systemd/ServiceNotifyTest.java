package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vigil run` as systemd runs it: a child JVM with NOTIFY_SOCKET and WATCHDOG_USEC pointing at a socket this test
 * binds, stopped with SIGTERM.
 */
class ServiceNotifyTest {

    @TempDir
    Path tmp;

    /** WatchdogSec=1.5 s: a ping every 500 ms. */
    static final String WATCHDOG_USEC = "1500000";

    static final String CONFIG = """
            model: %s
            threads: 1
            http: { listen: "127.0.0.1:0" }
            events: { dir: %s }
            cameras:
              %s:
                source: %s
                groups:
                  person: { labels: [person], min_score: 0.5 }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0
                tracking: false
            """;

    Process daemon(String notifySocket, String camera, String source) throws IOException {
        Path cfg = tmp.resolve("vigil.yaml");
        Files.writeString(cfg, CONFIG.formatted(TestData.model(TestData.DETECTOR).toAbsolutePath(), tmp.resolve("events"), camera, source));
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no path to this JVM's java"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Dvigil.home=" + System.getProperty("vigil.home", tmp.resolve("home").toString()),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("NOTIFY_") || k.startsWith("WATCHDOG_"));
        env.put("NOTIFY_SOCKET", notifySocket);
        env.put("WATCHDOG_USEC", WATCHDOG_USEC);
        return pb.start();
    }

    String log() throws IOException {
        Path p = tmp.resolve("daemon.log");
        return Files.exists(p) ? Files.readString(p) : "(no log)";
    }

    static long count(List<NotifyListener.Message> ms, String assignment) {
        return ms.stream().filter(m -> m.has(assignment)).count();
    }

    /** SIGTERM: STOPPING=1 comes, the process exits 0 and leaves no camera process behind. */
    void stopsCleanly(Process p, NotifyListener l) throws Exception {
        List<ProcessHandle> children = p.descendants().toList();
        int before = l.messages().size();
        p.destroy(); // SIGTERM, as systemctl stop sends it
        assertNotNull(l.await(before, m -> m.has("STOPPING=1"), Duration.ofSeconds(10)), "STOPPING=1 after SIGTERM; " + l.messages() + "\n" + log());
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "exits after SIGTERM\n" + log());
        assertEquals(0, p.exitValue(), log());
        for (ProcessHandle c : children) assertTrue(!c.isAlive() || c.onExit().get(5, TimeUnit.SECONDS) != null, "left running: " + c.info());
    }

    @Test
    void readyThenWatchdogWhileFramesFlowAndStillWhileTheCameraStallsThenStopping() throws Exception {
        // A camera tool streaming MJPEG without end. Frozen with SIGSTOP below, it keeps its stdout open and writes
        // nothing: a stall, not an end. The capture kills it after its stall timeout; the restarted tool only sleeps,
        // so frames never come back.
        Path started = tmp.resolve("started");
        String tool = "if [ -e " + started + " ]; then exec sleep 600; fi; touch " + started + "; "
                + "exec ffmpeg -hide_banner -loglevel error -nostdin -re -loop 1 -framerate 5 -i " + TestData.image("hot_dog.jpg")
                + " -vf scale=320:240 -q:v 5 -f mjpeg -";
        String source = "{ command: [sh, -c, \"" + tool + "\"], restart: true }";
        try (NotifyListener l = NotifyListener.bind(tmp.resolve("notify.sock").toString())) {
            Process p = daemon(l.variable(), "pi", source);
            try {
                NotifyListener.Message ready = l.await(0, m -> m.has("READY=1"), Duration.ofSeconds(60));
                assertNotNull(ready, "READY=1; got " + l.messages() + "\n" + log());
                assertTrue(ready.status().matches("[01]/1 cameras up, .* fps, \\d+ events?.*"), ready.status());
                List<NotifyListener.Message> before = l.messages().subList(0, l.messages().indexOf(ready));
                assertEquals(0, count(before, "WATCHDOG=1"), "no watchdog before READY: " + before);

                // While frames flow: a ping every 500 ms.
                NotifyListener.Message third = l.await(0, m -> count(l.messages().subList(0, l.messages().indexOf(m) + 1), "WATCHDOG=1") >= 3
                        && m.status() != null && m.status().startsWith("1/1 cameras up, "), Duration.ofSeconds(30));
                assertNotNull(third, "WATCHDOG=1 while frames flow; got " + l.messages() + "\n" + log());

                // The tool stops writing. A camera that stalls is a fact to report, not vigil stuck: the pings go on
                // (restarting vigil would not unfreeze the tool; the capture's own stall timeout and restart do), and
                // STATUS says which camera is not delivering.
                ProcessHandle ffmpeg = p.descendants().filter(h -> h.info().command().orElse("").endsWith("ffmpeg")).findFirst()
                        .orElseThrow(() -> new AssertionError("no ffmpeg under the daemon: " + p.descendants().map(h -> h.info().toString()).toList()));
                assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(ffmpeg.pid())).inheritIO().start().waitFor());
                long frozen = System.nanoTime();
                NotifyListener.Message down = l.await(0, m -> m.status() != null && m.status().startsWith("0/1 cameras up, ")
                        && m.status().contains("; pi "), Duration.ofSeconds(45));
                assertNotNull(down, "STATUS names the camera that stopped delivering; got " + l.messages() + "\n" + log());
                int at = l.messages().indexOf(down);
                NotifyListener.Message later = l.await(at, m -> m.nanos() - frozen > Duration.ofSeconds(15).toNanos() && m.has("WATCHDOG=1"),
                        Duration.ofSeconds(30));
                assertNotNull(later, "the watchdog is still fed 15 s after the camera froze: " + l.messages());
                assertNull(l.messages().stream().filter(m -> m.status() != null && m.status().startsWith("stuck")).findFirst().orElse(null),
                        "a frozen camera is not vigil stuck");

                stopsCleanly(p, l);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void anAbstractSocketGetsTheSameMessages() throws Exception {
        String name = "@vigil-notify-test-" + ProcessHandle.current().pid();
        try (NotifyListener l = NotifyListener.bind(name)) {
            Process p = daemon(name, "door", "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 5, loop: true }");
            try {
                assertNotNull(l.await(0, m -> m.has("READY=1"), Duration.ofSeconds(60)), "READY=1; got " + l.messages() + "\n" + log());
                assertNotNull(l.await(0, m -> count(l.messages().subList(0, l.messages().indexOf(m) + 1), "WATCHDOG=1") >= 3,
                        Duration.ofSeconds(10)), "three WATCHDOG=1; got " + l.messages() + "\n" + log());
                assertNull(l.messages().stream().filter(m -> m.status() != null && m.status().startsWith("stuck")).findFirst().orElse(null));
                stopsCleanly(p, l);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
