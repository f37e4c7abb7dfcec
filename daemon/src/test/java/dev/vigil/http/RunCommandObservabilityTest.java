package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run} as systemd runs it (JOURNAL_STREAM set): the HTTP server comes up with the daemon and goes with
 * SIGTERM, the console has journald's priority prefixes and no timestamps, one line per state change, model load and
 * event, no stack trace; the config's log file gets the same lines with timestamps.
 */
class RunCommandObservabilityTest {

    @TempDir
    Path tmp;

    @Test
    void underSystemdTheServerComesAndGoesWithTheDaemonAndTheLogFitsTheJournal() throws Exception {
        Path cfg = tmp.resolve("vigil.yaml");
        Files.writeString(cfg, LiveDaemon.CONFIG.formatted("", tmp.resolve("events"),
                "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 5, loop: true }")
                .replace("power: {", "logging: { file: { path: " + tmp.resolve("log/vigil.log") + ", max_size: 1MB, max_files: 2 } }\npower: {"));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Path out = tmp.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(),
                "-Dvigil.home=" + tmp.resolve("home"), "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main",
                "run", "--config", cfg.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JOURNAL_STREAM", "8:424242");
        Process p = pb.start();
        try {
            Pattern listening = Pattern.compile("http: listening on 127\\.0\\.0\\.1:(\\d+)");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int port = -1;
            while (port < 0 && System.nanoTime() < deadline && p.isAlive()) {
                Matcher m = listening.matcher(Files.readString(out));
                if (m.find()) port = Integer.parseInt(m.group(1));
                else Thread.sleep(200);
            }
            assertTrue(port > 0, "no HTTP server: " + Files.readString(out));
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            int ready = 0;
            String log = "";
            while (System.nanoTime() < deadline) {
                ready = client.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                log = Files.readString(out);
                if (ready == 200 && log.contains("door/person") && log.contains("door/animal")) break;
                Thread.sleep(300);
            }
            assertEquals(200, ready, log);
            String metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vigil_frames_processed_total{camera=\"door\"}"), metrics);

            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
            assertEquals(0, p.exitValue(), Files.readString(out));
            try (Socket s = new Socket("127.0.0.1", port)) {
                throw new AssertionError("the HTTP port still accepts after the daemon stopped");
            } catch (ConnectException expected) {
                // closed with the daemon
            }

            List<String> lines = Files.readAllLines(out);
            for (String l : lines) {
                assertTrue(l.matches("<[3467]>(ERROR|WARN |INFO |DEBUG) \\S+ - .*"), "a journald line: " + l);
                assertTrue(!l.matches(".*\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*"), "no timestamp: " + l);
            }
            String all = String.join("\n", lines);
            assertTrue(!all.contains("\tat ") && !all.contains("Exception:"), "no stack trace: " + all);
            for (String expected : List.of("INFO  Camera - camera door: UP", "INFO  Wiring - model ssd_mobilenet_v1_coco_quant on ",
                    "INFO  EventStore - event ", " door/person person ", " door/animal ", "INFO  Metrics - power: estimate",
                    "INFO  StatusServer - http: listening on", "INFO  RunCommand - SIGTERM: stopping", "INFO  RunCommand - stopped in")) {
                assertTrue(all.contains(expected), "logged: " + expected + "\n" + all);
            }
            assertEquals(1, lines.stream().filter(l -> l.contains("camera door: UP")).count(), "one line per state change");
            String file = Files.readString(tmp.resolve("log/vigil.log"));
            assertTrue(file.contains("] Camera - camera door: UP") && file.matches("(?s)\\d{4}-\\d\\d-\\d\\dT.*"), file);
        } finally {
            p.destroyForcibly();
        }
    }
}
