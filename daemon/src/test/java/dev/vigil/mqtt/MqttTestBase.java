package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alarm.AlarmState;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the MQTT tests against a real Mosquitto share: the config, the journal, the events a subscriber got. */
abstract class MqttTestBase {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path tmp;

    static final String CONFIG = """
            model: ssd_mobilenet_v1_coco_quant
            threads: 2
            http: { listen: "127.0.0.1:0" }
            events: { dir: %s }
            cameras:
              door:
                source: %s
                groups:
                  person: { labels: [person], min_score: 0.5 }
                  animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0
                tracking: false
            mqtt:
              url: %s
              device: test
              username: vigil
              password: ${MQTT_PASSWORD}
              quiet_s: %s
              status_interval_s: 1
            """;

    VigilConfig config(Mosquitto broker, String source, String quiet) {
        return ConfigLoader.parse(CONFIG.formatted(tmp.resolve("events"), source, broker.url(), quiet), tmp,
                Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
    }

    static Wiring.Parts parts(boolean once) {
        return Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(once).withHttp(false);
    }

    List<JsonNode> journal() throws Exception {
        Path log = tmp.resolve("events/events.jsonl");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(log)) for (String l : Files.readAllLines(log)) out.add(JSON.readTree(l));
        return out;
    }

    static List<JsonNode> events(Watcher w) {
        List<JsonNode> out = new ArrayList<>();
        for (Watcher.Msg m : w.on("vigil/test/events")) {
            try {
                out.add(JSON.readTree(m.payload()));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + m.text(), e);
            }
        }
        return out;
    }

}
