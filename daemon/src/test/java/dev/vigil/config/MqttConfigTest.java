package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mqtt: section: defaults, the broker URL's schemes, errors naming the key, the password never printed. */
class MqttConfigTest {

    static final String BASE = """
            model: ssd_mobilenet_v1_coco_quant
            cameras:
              door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } }
            """;

    static VigilConfig parse(String mqtt, Map<String, String> env) {
        return ConfigLoader.parse(BASE + mqtt, Path.of("/etc/vigil"), env);
    }

    static String error(String mqtt) {
        return assertThrows(ConfigException.class, () -> parse(mqtt, Map.of())).getMessage();
    }

    @Test
    void withoutAnMqttSectionThereIsNoMqtt() {
        assertEquals(Optional.empty(), parse("", Map.of()).mqtt());
    }

    @Test
    void defaultsFollowTheDeviceName() {
        MqttConfig m = parse("mqtt: { url: \"mqtt://broker.lan\", device: porch }", Map.of()).mqtt().orElseThrow();
        assertEquals("tcp://broker.lan:1883", m.brokerUri());
        assertEquals("vigil-porch", m.clientId());
        assertEquals("vigil/porch", m.topicPrefix());
        assertEquals(1, m.qos());
        assertEquals(Duration.ofSeconds(30), m.keepalive());
        assertEquals(Duration.ofSeconds(30), m.statusInterval());
        assertEquals(Duration.ofSeconds(10), m.quiet());
        assertEquals(new MqttConfig.Discovery(true, "homeassistant"), m.discovery());
        assertEquals(10_000, m.backlogCount());
        assertEquals(Duration.ofDays(1), m.backlogAge());
        assertFalse(m.tls());
        MqttConfig tls = parse("mqtt: { url: \"mqtts://broker.lan\", device: porch }", Map.of()).mqtt().orElseThrow();
        assertEquals("ssl://broker.lan:8883", tls.brokerUri());
        assertTrue(tls.tls());
        assertEquals("wss://broker.lan:443/mqtt", parse("mqtt: { url: \"wss://broker.lan:443/mqtt\", device: p }", Map.of()).mqtt().orElseThrow().brokerUri());
    }

    @Test
    void thePasswordComesFromTheEnvironmentAndIsNeverPrinted() {
        VigilConfig c = parse("mqtt: { url: \"mqtts://broker.lan:8883\", device: p, username: vigil, password: \"${MQTT_PASSWORD}\" }",
                Map.of("MQTT_PASSWORD", "hunter2"));
        assertEquals(Optional.of("hunter2"), c.mqtt().orElseThrow().password());
        String printed = ConfigLoader.toYaml(c);
        assertFalse(printed.contains("hunter2"), printed);
        assertTrue(printed.contains("password: '***'"), printed);
        assertFalse(c.mqtt().orElseThrow().toString().contains("hunter2"));
        assertEquals("mqtt.password: environment variable MQTT_PASSWORD is not set; set it or write ${MQTT_PASSWORD:-default}",
                assertThrows(ConfigException.class, () -> parse("mqtt: { url: \"mqtt://b\", username: u, password: \"${MQTT_PASSWORD}\" }", Map.of())).getMessage());
    }

    @Test
    void errorsNameTheKeyAndTheFix() {
        assertEquals("mqtt.url: must be mqtt://host[:port], mqtts://host[:port], ws://host:port/path or wss://host:port/path",
                error("mqtt: { url: \"http://broker\" }"));
        assertEquals("mqtt.url: missing; give the broker, e.g. mqtts://broker.local:8883", error("mqtt: { device: x }"));
        assertEquals("mqtt.url: holds credentials; give them as username and password (password: ${MQTT_PASSWORD})",
                error("mqtt: { url: \"mqtt://u:p@broker\" }"));
        assertEquals("mqtt.qos: 2 is not within 0..1", error("mqtt: { url: \"mqtt://b\", qos: 2 }"));
        assertEquals("mqtt.topic_prefix: \"vigil/#\" is not a topic prefix: no wildcards (+, #), no leading, trailing or double '/'",
                error("mqtt: { url: \"mqtt://b\", topic_prefix: \"vigil/#\" }"));
        assertEquals("mqtt.password: is given without a username", error("mqtt: { url: \"mqtt://b\", password: x }"));
        assertTrue(error("mqtt: { url: \"mqtt://b\", colour: red }").startsWith("mqtt.colour: unknown key; expected one of url, device, client_id"));
        assertEquals("mqtt.discovery.prefix: \"\" is not a topic prefix: no wildcards (+, #), no leading, trailing or double '/'",
                error("mqtt: { url: \"mqtt://b\", discovery: { prefix: \"\" } }"));
        assertEquals("mqtt.ca: /etc/vigil/nope.pem cannot be read; give a PEM file vigil can read",
                error("mqtt: { url: \"mqtts://b\", ca: nope.pem }"));
        assertEquals("mqtt.backlog.max_count: 0 must be at least 1", error("mqtt: { url: \"mqtt://b\", backlog: { max_count: 0 } }"));
    }
}
