package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil gpio reset} and the GPIO stage inside {@code vigil run}. */
class GpioCommandTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** With the HTTP server on a free port: a fixed one collides with a vigil already running on this machine. */
    static final String DOOR = """
            http: { listen: "127.0.0.1:0" }
            events: { dir: %s }
            cameras:
              door:
                source: { folder: %s, fps: 10, loop: true }
                groups: { person: { labels: [person] } }
                cooldown_s: 0
                tracking: false
            """;

    @Test
    void resetSetsEveryOutputOffAndSaysHow() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("door.yaml"), DOOR.formatted(tmp.resolve("events"), tmp) + """
                gpio:
                  mock: true
                  outputs:
                    relay: { pin: 24, kind: relay, active_low: true }
                    led: { pin: 23, kind: led }
                  heartbeat: { pin: 22 }
                """);
        Run r = run("gpio", "reset", "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                gpio: mock (gpio.mock: true)
                relay        BCM 24  off (HIGH, active-low)
                led          BCM 23  off (LOW)
                heartbeat    BCM 22  off (LOW)
                """, r.out());
    }

    @Test
    void resetWithoutGpioOutputsIsOneLineAndExit2() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("plain.yaml"), DOOR.formatted(tmp.resolve("events"), tmp));
        Run r = run("gpio", "reset", "--config", cfg.toString());
        assertEquals(2, r.code());
        assertEquals("vigil: " + cfg + " has no gpio outputs; nothing to reset\n", r.err());
    }

    @Test
    void sigtermStopsTheDaemonAndSetsTheOutputsSafe() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("door.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                """ + DOOR.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath()) + """
                gpio:
                  outputs: { led: { pin: 23, kind: led } }
                  heartbeat: { pin: 22, period_ms: 300 }
                  actions: [ { group: person, output: led, latch: true } ]
                """);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Path log = tmp.resolve("daemon.log");
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(),
                "-Dvigil.home=" + tmp.resolve("home"), "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main",
                "run", "--config", cfg.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // "running" comes once the SIGTERM handler is installed, which may be after the first frames and alarms.
            while (!(Files.readString(log).contains("ARMED -> TRIGGERED") && Files.readString(log).contains("heartbeat: beating")
                    && Files.readString(log).contains("running; events in"))
                    && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(200);
            String before = Files.readString(log);
            assertTrue(before.contains("ARMED -> TRIGGERED (person person"), before);
            assertTrue(before.contains("WARN  Pi4jPins - gpio: no GPIO chip on this machine"), "one warning: the mock: " + before);
            assertTrue(before.contains("heartbeat: beating on BCM 22"), before);
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
            String all = Files.readString(log);
            assertEquals(0, p.exitValue(), all);
            assertTrue(all.contains("gpio: outputs safe, pins released"), all);
            assertTrue(all.indexOf("gpio: outputs safe") > all.indexOf("frame path stopped; consumers drained"),
                    "outputs go safe after the daemon stopped: " + all);
        } finally {
            p.destroyForcibly();
        }
    }
}
