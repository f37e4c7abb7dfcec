package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.testing.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MQTT over WebSocket (ws://, Paho's WebSocket transport) to Mosquitto's {@code protocol websockets} listener: vigil
 * connects, says online and publishes its state; a subscriber on the plain listener sees it. Nothing but WebSocket
 * listens on that port, so an online there is one over ws://.
 */
class MqttWebsocketTest extends MqttTestBase {

    @Test
    void vigilConnectsOverWebsocketsAndSaysOnlineThenStopped() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"), false, true);
             Watcher w = new Watcher(broker, "watcher-ws", false, "vigil/#")) {
            String url = "ws://127.0.0.1:" + broker.wsPort + "/mqtt";
            VigilConfig cfg = ConfigLoader.parse(CONFIG.formatted(tmp.resolve("events"),
                    "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 2, loop: true }", url, "1"), tmp,
                    Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
            try (Vigil v = Wiring.start(cfg, parts(false))) {
                w.await("vigil/test/available", "online", WAIT);
                w.await(m -> m.topic().equals("vigil/test/door/state") && m.text().contains("\"state\""), WAIT, "the camera's state");
                assertTrue(broker.log().contains("vigil-test"), "the broker logged vigil's client: " + broker.log());
            }
            w.await("vigil/test/available", "stopped", WAIT);
        }
    }
}
