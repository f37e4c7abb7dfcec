package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vigil run} with secrets in its environment (issue 10, item 6): a stream camera's password with a space
 * and URL characters never shows in its log, and a {@code command:} camera's child gets only the base variables and
 * what its {@code env:} names, not the daemon's secrets.
 */
class RunCommandSecretsTest {

    @TempDir Path tmp;

    private static final String PASSWORD = "pa ss9Q/#?@:", TOKEN = "tok en9Z", UNRELATED = "never-given-to-a-child";

    @Test
    void theChildSeesOnlyWhatItsConfigNamesAndTheLogNoSecret() throws Exception {
        Path childEnv = tmp.resolve("child-env.txt");
        Path cfg = Files.writeString(tmp.resolve("secrets.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  pi:
                    source:
                      command: [sh, -c, 'env > "$0.tmp" && mv "$0.tmp" "$0"; exec sleep 60', %s]
                      env: { CAM_TOKEN: "${CAM_TOKEN}", LEVEL: "2" }
                    groups: { person: { labels: [person] } }
                  passed:
                    source:
                      command: [sh, -c, 'env > "$0.tmp" && mv "$0.tmp" "$0"; exec sleep 60', %s]
                      env: [LIBCAMERA_LOG_LEVELS]
                    groups: { person: { labels: [person] } }
                  door:
                    source: { stream: "rtsp://vigil:${RTSP_PASSWORD}@127.0.0.1:9/stream1", connect_timeout_s: 1 }
                    groups: { person: { labels: [person] } }
                """.formatted(tmp.resolve("events"), childEnv, tmp.resolve("passed-env.txt")));
        Path log = tmp.resolve("vigil.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.log.level=debug",
                "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(), "-Dvigil.home=" + tmp.resolve("home"),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("RTSP_PASSWORD", PASSWORD, "CAM_TOKEN", TOKEN, "VIGIL_UNRELATED_SECRET", UNRELATED,
                "LIBCAMERA_LOG_LEVELS", "*:ERROR", "LC_TIME", "C.UTF-8", "TZ", "Europe/Paris"));
        Process p = pb.start();
        try {
            assertTrue(waitFor(() -> Files.exists(childEnv) && Files.exists(tmp.resolve("passed-env.txt"))
                    && read(log).contains("camera door: DOWN") || !p.isAlive(), Duration.ofSeconds(120)), read(log));
            Map<String, String> seen = env(childEnv);
            assertEquals(TOKEN, seen.get("CAM_TOKEN"), "explicitly passed: " + seen);
            assertEquals("2", seen.get("LEVEL"));
            assertEquals(System.getenv("PATH"), seen.get("PATH"));
            assertEquals("C.UTF-8", seen.get("LC_TIME"));
            assertEquals("Europe/Paris", seen.get("TZ"));
            for (String secret : List.of("RTSP_PASSWORD", "VIGIL_UNRELATED_SECRET", "LIBCAMERA_LOG_LEVELS")) {
                assertFalse(seen.containsKey(secret), secret + " reached the child: " + seen);
            }
            // sh adds PWD, SHLVL and _ itself; nothing else comes from the daemon.
            for (String name : seen.keySet()) {
                assertTrue(List.of("CAM_TOKEN", "LEVEL", "PATH", "HOME", "LANG", "TZ", "PWD", "SHLVL", "_").contains(name)
                        || name.startsWith("LC_"), name + " reached the child: " + seen);
            }
            Map<String, String> passed = env(tmp.resolve("passed-env.txt"));
            assertEquals("*:ERROR", passed.get("LIBCAMERA_LOG_LEVELS"));
            assertFalse(passed.containsKey("CAM_TOKEN"), "one camera's env is not another's: " + passed);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        String out = read(log);
        assertTrue(out.contains("rtsp://vigil:***@127.0.0.1:9/stream1"), out);
        for (String leak : List.of(PASSWORD, "ss9Q", TOKEN, "en9Z", "pa%20ss9Q", "pa+ss9Q")) {
            assertFalse(out.contains(leak), "'" + leak + "' in the daemon's log:\n" + out);
        }
    }

    private static Map<String, String> env(Path file) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
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
}
