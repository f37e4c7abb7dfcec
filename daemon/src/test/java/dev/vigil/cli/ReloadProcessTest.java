package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config reload of a real {@code vigil run} (issue 12): SIGHUP applies a changed zone, {@code vigil reload} over the
 * HTTP API refuses an invalid file with its key (exit 2, the daemon keeps its config) and applies a valid one, and
 * {@code /api/status} shows the running file's sha256 throughout.
 */
class ReloadProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    private Path log;

    private String out() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean waitFor(BooleanSupplier c, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(50);
        }
        return true;
    }

    private String config(String zone, String minScore) {
        return """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 2, loop: true }
                    groups: { person: { labels: [person], min_score: %s } }
                %s""".formatted(tmp.resolve("events"), TestData.images().toAbsolutePath(), minScore, zone);
    }

    private static JsonNode get(HttpClient c, String base, String path) throws Exception {
        return JSON.readTree(c.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void sighupAndVigilReloadApplyAValidFileAndKeepTheRunningConfigOnAnInvalidOne() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("vigil.yaml"), config("", "0.5"));
        log = tmp.resolve("child.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(dev.vigil.testing.DefaultSignals.command(java.util.List.of(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString())))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertTrue(waitFor(() -> out().contains("running; events in") || !p.isAlive(), Duration.ofSeconds(120)), out());
            Matcher m = Pattern.compile("http: listening on \\S*?:(\\d+)").matcher(out());
            assertTrue(m.find(), out());
            int port = Integer.parseInt(m.group(1));
            String base = "http://127.0.0.1:" + port;
            JsonNode c0 = get(http, base, "/api/status").path("config");
            assertEquals(Sha256.compute(cfg), c0.path("sha256").asText(), c0.toString());
            assertEquals(cfg.toAbsolutePath().toString(), c0.path("path").asText());
            assertEquals(0, c0.path("reloads").asInt());

            // SIGHUP: a zone for the door.
            Files.writeString(cfg, config("    zones: [ { name: mat, points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] } ]\n", "0.5"));
            String zoned = Sha256.compute(cfg);
            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start().waitFor());
            assertTrue(waitFor(() -> out().contains("config reloaded (SIGHUP): applied cameras.door.rules"), Duration.ofSeconds(30)), out());
            JsonNode c1 = get(http, base, "/api/status").path("config");
            assertEquals(zoned, c1.path("sha256").asText());
            assertEquals(1, c1.path("reloads").asInt());

            // vigil reload with an invalid file: the daemon's line, exit 2, nothing changed.
            Files.writeString(cfg, config("", "1.5"));
            CliTest.Run bad = CliTest.run("reload", "--config", cfg.toString(), "--to", "127.0.0.1:" + port);
            assertEquals(2, bad.code(), bad.err());
            assertTrue(bad.err().contains("cameras.door.groups.person.min_score: 1.5 is not within 0..1"), bad.err());
            assertTrue(waitFor(() -> out().contains("refused, running config kept: " + cfg + ": cameras.door.groups.person.min_score"),
                    Duration.ofSeconds(10)), out());
            JsonNode c2 = get(http, base, "/api/status").path("config");
            assertEquals(zoned, c2.path("sha256").asText(), "the running config is still the zoned one");
            assertEquals(1, c2.path("reloads").asInt());

            // Without --to the CLI reads the address from the file; an invalid one it refuses itself, sending nothing.
            CliTest.Run local = CliTest.run("reload", "--config", cfg.toString());
            assertEquals(2, local.code(), local.err());
            assertTrue(local.err().contains("min_score: 1.5") && local.err().contains("nothing sent"), local.err());

            // A command needs the request header (or a token): a page elsewhere cannot make a browser reload vigil.
            int forged = http.send(HttpRequest.newBuilder(URI.create(base + "/api/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(403, forged);

            // A valid file again: applied, and the CLI prints the daemon's line.
            Files.writeString(cfg, config("", "0.6"));
            CliTest.Run good = CliTest.run("reload", "--config", cfg.toString(), "--to", "127.0.0.1:" + port);
            assertEquals(0, good.code(), good.err());
            assertTrue(good.out().contains("config reloaded (http 127.0.0.1): applied cameras.door.rules"), good.out());
            JsonNode c3 = get(http, base, "/api/status").path("config");
            assertEquals(Sha256.compute(cfg), c3.path("sha256").asText());
            assertEquals(2, c3.path("reloads").asInt());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vigil_config_reloads_total{result=\"ok\"} 2.0"), metrics);
            assertTrue(metrics.contains("vigil_config_reloads_total{result=\"invalid\"} 1.0"), metrics);

            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), out());
            assertEquals(0, p.exitValue(), out());
        } finally {
            p.destroyForcibly();
        }
    }
}
