package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Home Assistant's device discovery payloads, and the removal of what left the config. */
class DiscoveryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> PLATFORMS = Set.of("binary_sensor", "sensor", "image", "switch", "button");

    @TempDir Path tmp;

    /** The fields HA's device discovery documents: dev (ids, name, mdl, sw), o (name), cmps (p, unique_id), availability. */
    static void checkDevice(JsonNode d, String availability) {
        JsonNode dev = d.get("dev");
        assertTrue(dev.get("ids").isArray() && dev.get("ids").size() == 1, d.toString());
        for (String k : new String[] {"name", "mdl", "sw", "mf"}) assertTrue(dev.get(k).isTextual(), k + " in " + d);
        assertEquals("vigil", d.get("o").get("name").asText());
        assertEquals(availability, d.get("avty_t").asText());
        assertTrue(d.get("cmps").size() > 0);
        d.get("cmps").properties().forEach(c -> {
            JsonNode x = c.getValue();
            assertTrue(PLATFORMS.contains(x.get("p").asText()), c.toString());
            assertEquals(c.getKey(), x.get("unique_id").asText(), "the component id is its unique_id");
            assertTrue(x.get("name").isTextual(), c.toString());
            String p = x.get("p").asText();
            if (p.equals("sensor") || p.equals("binary_sensor")) assertTrue(x.get("state_topic").isTextual(), c.toString());
            if (p.equals("switch")) assertTrue(x.get("command_topic").isTextual() && x.get("state_topic").isTextual(), c.toString());
            if (p.equals("button")) assertTrue(x.get("command_topic").isTextual(), c.toString());
            if (p.equals("image")) assertTrue(x.get("image_topic").isTextual(), c.toString());
        });
    }

    VigilConfig config(String cameras) {
        return ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                cameras:
                %s
                mqtt: { url: "mqtt://127.0.0.1:1883", device: pi-4 }
                """.formatted(tmp.resolve("events"), cameras), tmp, Map.of());
    }

    Map<String, byte[]> publish(VigilConfig cfg) {
        Map<String, byte[]> sent = new LinkedHashMap<>();
        new Discovery(cfg, cfg.mqtt().orElseThrow(), new Topics(cfg.mqtt().orElseThrow().topicPrefix()), tmp).publish(sent::put);
        return sent;
    }

    @Test
    void everyCameraIsADeviceWithStableIdsAndARemovedCameraOrGroupIsDeleted() throws Exception {
        String door = "  door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] }, animal: { labels: [cat] } } }\n";
        String yard = "  yard: { source: { device: /dev/video1 }, groups: { car: { labels: [car] } } }\n";
        Map<String, byte[]> first = publish(config(door + yard));
        assertEquals(Set.of("homeassistant/device/vigil_pi_4/config", "homeassistant/device/vigil_pi_4_door/config",
                "homeassistant/device/vigil_pi_4_yard/config"), first.keySet());
        for (byte[] p : first.values()) checkDevice(JSON.readTree(p), "vigil/pi-4/available");
        JsonNode d = JSON.readTree(first.get("homeassistant/device/vigil_pi_4_door/config"));
        assertEquals("vigil_pi_4", d.get("dev").get("via_device").asText());
        assertEquals("vigil/pi-4/door/animal", d.get("cmps").get("vigil_pi_4_door_animal").get("state_topic").asText());
        assertEquals("{{ value_json.cameras['door'].fps }}", d.get("cmps").get("vigil_pi_4_door_fps").get("value_template").asText());

        // The same config again: the same ids, nothing removed.
        Map<String, byte[]> again = publish(config(door + yard));
        assertEquals(first.keySet(), again.keySet());

        // The yard taken out and the door's animal group: the yard's device gets an empty retained config, the group
        // a component of only its platform.
        String doorWithoutAnimal = "  door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } }\n";
        Map<String, byte[]> after = publish(config(doorWithoutAnimal));
        assertEquals(0, after.get("homeassistant/device/vigil_pi_4_yard/config").length);
        JsonNode cmps = JSON.readTree(after.get("homeassistant/device/vigil_pi_4_door/config")).get("cmps");
        assertEquals("{\"p\":\"binary_sensor\"}", cmps.get("vigil_pi_4_door_animal").toString());
        assertTrue(cmps.has("vigil_pi_4_door_person"));
        // Removed once: the next start does not send the removal again.
        Map<String, byte[]> next = publish(config(doorWithoutAnimal));
        assertFalse(next.containsKey("homeassistant/device/vigil_pi_4_yard/config"));
        assertFalse(JSON.readTree(next.get("homeassistant/device/vigil_pi_4_door/config")).get("cmps").has("vigil_pi_4_door_animal"));
    }
}
