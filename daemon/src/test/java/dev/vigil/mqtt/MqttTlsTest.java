package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mqtts:// to a broker whose certificate the test made: verified against the configured CA, refused without it. */
class MqttTlsTest extends MqttTestBase {

    VigilConfig tlsConfig(Mosquitto broker, String device, String ca) throws Exception {
        Path quiet = Files.createDirectories(tmp.resolve("quiet-" + device));
        Files.copy(TestData.image("empty_street.jpg"), quiet.resolve("empty_street.jpg"));
        return ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door: { source: { folder: %s, fps: 2, loop: true }, groups: { person: { labels: [person] } } }
                mqtt:
                  url: mqtts://127.0.0.1:%d
                  device: %s
                  username: vigil
                  password: ${MQTT_PASSWORD}
                %s
                """.formatted(tmp.resolve("events-" + device), quiet, broker.tlsPort, device, ca), tmp,
                Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
    }

    @Test
    void aBrokerCertifiedByTheConfiguredCaIsTrustedAndOneTheJvmDoesNotKnowIsRefused() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"), true);
             Watcher w = new Watcher(broker, "watcher-tls", false, "vigil/#")) {
            try (Vigil v = Wiring.start(tlsConfig(broker, "test", "  ca: " + broker.ca), parts(false))) {
                w.await("vigil/test/available", "online", WAIT);
                assertTrue(v.mqtt().connected());
                String metrics = v.metrics().scrape();
                assertTrue(metrics.contains("vigil_mqtt_connected 1.0"), metrics);
                assertTrue(metrics.contains("vigil_mqtt_messages_published_total"), metrics);
                assertTrue(metrics.contains("vigil_mqtt_messages_queued 0.0"), metrics);
                assertTrue(metrics.contains("vigil_mqtt_reconnects_total 0.0"), metrics);
            }
            // Without the CA: the JVM's trust store does not know the test's CA, so the connection is refused.
            try (Vigil v = Wiring.start(tlsConfig(broker, "other", ""), parts(false))) {
                Thread.sleep(3000);
                assertFalse(v.mqtt().connected(), "a certificate nobody vouches for is not trusted");
                assertTrue(v.metrics().scrape().contains("vigil_mqtt_connected 0.0"));
            }
            assertEquals(0, w.on("vigil/other/available").size(), "nothing got through");
        }
    }
}
