package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@code <prefix>/model/deploy} on a running daemon with the real detector: a model of another input is refused on
 * {@code .../result}, a retrained one switches, {@code <prefix>/model} says so (retained), and the events after it
 * name the new model.
 */
class MqttDeployTest extends MqttTestBase {

    @Test
    void aModelDeployedOverMqttIsAnsweredAnnouncedAndNamedInTheEventsAfterIt() throws Exception {
        byte[] bytes = Files.readAllBytes(TestData.model(TestData.DETECTOR));
        Path retrained = Files.write(tmp.resolve("retrained.tflite"), Arrays.copyOf(bytes, bytes.length + 16));
        Files.copy(TestData.model("coco_labels.txt"), tmp.resolve("retrained.txt"));
        String sha = Sha256.of(retrained).substring(0, 12);
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-deploy", false, "vigil/#")) {
            VigilConfig cfg = config(broker, "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 5, loop: true }", "1");
            try (Vigil v = Wiring.start(cfg, parts(false))) {
                w.await("vigil/test/available", "online", WAIT);
                long end = System.nanoTime() + WAIT.toNanos();
                while (v.frames().processed("door") < 15) {
                    assertTrue(System.nanoTime() < end, "frames: " + v.cameraStats());
                    Thread.sleep(100);
                }
                w.publish("vigil/test/model/deploy", "{\"model\": \"mobilenet_v2_quant\"}");
                JsonNode refused = JSON.readTree(w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("model/deploy"),
                        WAIT, "the refusal").payload());
                assertFalse(refused.get("ok").asBoolean(), refused.toString());
                assertTrue(refused.get("message").asText().contains("takes input uint8[1, 224, 224, 3]"), refused.toString());

                w.publish("vigil/test/model/deploy", retrained.toString());
                JsonNode ok = JSON.readTree(w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("switched to"),
                        WAIT, "the switch").payload());
                assertTrue(ok.get("ok").asBoolean(), ok.toString());
                JsonNode model = JSON.readTree(w.await(m -> m.topic().equals("vigil/test/model"), WAIT, "the model's topic").payload());
                assertEquals("retrained.tflite", model.get("name").asText());
                assertEquals(sha, model.get("sha256").asText());
                assertEquals("switched", model.get("change").asText());
                assertEquals("ssd_mobilenet_v1_coco_quant", model.get("from").get("name").asText());

                JsonNode after = JSON.readTree(w.await(m -> m.topic().equals("vigil/test/events") && m.text().contains("retrained.tflite"),
                        WAIT, "an event of the new model").payload());
                assertEquals(sha, after.get("model_sha256").asText());
            }
        }
        boolean before = false, later = false;
        for (JsonNode e : journal()) {
            if (e.get("model").asText().equals("ssd_mobilenet_v1_coco_quant")) {
                assertFalse(later, "an event of the old model after one of the new: " + e);
                before = true;
            } else {
                assertEquals("retrained.tflite", e.get("model").asText());
                later = true;
            }
        }
        assertTrue(before && later, "events of both models in the journal");
    }
}
