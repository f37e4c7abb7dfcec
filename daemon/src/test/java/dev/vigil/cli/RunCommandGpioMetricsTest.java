package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vigil run` wires the GPIO stage into the metrics: alarm latency, alarm state. A child JVM, as in service. */
class RunCommandGpioMetricsTest {

    @TempDir
    Path tmp;

    @Test
    void aPersonAtTheDoorShowsUpAsAlarmLatencyAndStateInMetrics() throws Exception {
        Path cfg = tmp.resolve("door.yaml");
        Files.writeString(cfg, """
                model: ssd_mobilenet_v1_coco_quant
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 10, loop: true }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                alarm: { groups: [person], triggered_s: 1, cooldown_s: 1 }
                gpio:
                  mock: true
                  outputs:
                    relay: { pin: 24, kind: relay }
                  actions:
                    - { group: person, output: relay, pulse_ms: 50 }
                """.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath()));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(),
                "-Dvigil.home=" + tmp.resolve("home"), "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main",
                "run", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("daemon.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            String metrics = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int port = listeningPort(tmp.resolve("daemon.log"), p, deadline);
            Pattern latency = Pattern.compile("vigil_alarm_latency_seconds_count\\{[^}]*camera=\"door\"[^}]*} (\\d+)");
            while (System.nanoTime() < deadline && p.isAlive()) {
                try {
                    metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m = latency.matcher(metrics);
                    if (m.find() && Long.parseLong(m.group(1)) > 0) break;
                } catch (java.io.IOException e) {
                    throw new AssertionError("the server said it listens on " + port + " but: " + e, e);
                }
                Thread.sleep(300);
            }
            Matcher m = latency.matcher(metrics);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, "no alarm latency in /metrics:\n" + metrics
                    + "\nlog:\n" + Files.readString(tmp.resolve("daemon.log")));
            assertTrue(metrics.contains("vigil_alarm_state{camera=\"door\",state=\"armed\"}")
                    || metrics.contains("vigil_alarm_state{camera=\"door\",state=\"triggered\"}"), "alarm state exported");
        } finally {
            p.destroy();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    /** The port the daemon's server bound (port 0 in the config), read from its log line once it appears. */
    static int listeningPort(Path log, Process p, long deadline) throws Exception {
        Pattern listening = Pattern.compile("http: listening on 127\\.0\\.0\\.1:(\\d+)");
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher m = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) return Integer.parseInt(m.group(1));
            Thread.sleep(200);
        }
        throw new AssertionError("no HTTP server: " + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }
}
