package dev.vigil.mqtt;

import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Availability as a subscriber sees it when the vigil process dies (last will) or stops (SIGTERM). */
class MqttProcessTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path tmp;

    Process run(Mosquitto broker) throws Exception {
        Path cfg = tmp.resolve("vigil.yaml");
        Files.writeString(cfg, MqttTestBase.CONFIG.formatted(tmp.resolve("events"),
                "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 2, loop: true }", broker.url(), "1"));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "-Dvigil.mirror=" + TestData.shared().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.Main", "run", "--config", cfg.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("vigil.log").toFile());
        pb.environment().put("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD);
        return pb.start();
    }

    @Test
    void killedVigilIsOfflineByItsLastWillAndAStoppedOneSaysStopped() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-process", false, "vigil/test/available")) {
            Process p = run(broker);
            try {
                w.await(m -> m.text().equals("online"), WAIT, "online");
                p.destroyForcibly(); // SIGKILL: no shutdown hook, the broker sends the will
                p.waitFor(10, TimeUnit.SECONDS);
                w.await(m -> m.text().equals("offline"), WAIT, "offline (the last will)");
            } finally {
                p.destroyForcibly();
            }
            int seen = w.all().size();
            Process q = run(broker);
            try {
                w.awaitAll(ms -> ms.subList(seen, ms.size()).stream().anyMatch(m -> m.text().equals("online")), WAIT, "online again");
                q.destroy(); // SIGTERM: the clean shutdown
                q.waitFor(30, TimeUnit.SECONDS);
                w.await(m -> m.text().equals("stopped"), WAIT, "stopped");
                org.junit.jupiter.api.Assertions.assertEquals("stopped", w.all().getLast().text(), "no will after a clean stop: " + Files.readString(tmp.resolve("vigil.log")));
            } finally {
                q.destroyForcibly();
            }
        }
    }
}
