package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.MqttConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.events.EventFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Home Assistant's device-based MQTT discovery: one retained {@code <discovery>/device/<id>/config} per HA device, each
 * with its components under {@code cmps}. The host is one device (power, energy, uptime); each camera is a device of its
 * own (via the host) with a binary sensor per group, the last snapshot as an image, fps, inference time, events today,
 * the alarm state, an armed and a detection switch, a snapshot button and, for a QC station, its counters. Every
 * unique_id is {@code vigil_<device>_<camera>_<what>}: stable across restarts and config edits.
 *
 * <p>What was published is kept in {@code mqtt-discovery.json} (events directory): a camera taken out of the config
 * gets an empty retained config (HA removes the device), a group taken out a component of only its platform (HA's way
 * to remove one component of a device).
 */
final class Discovery {

    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    static final String FILE = "mqtt-discovery.json";

    private final VigilConfig vigil;
    private final MqttConfig cfg;
    private final Topics topics;
    private final Path stateFile;

    Discovery(VigilConfig vigil, MqttConfig cfg, Topics topics, Path eventsDir) {
        this.vigil = vigil;
        this.cfg = cfg;
        this.topics = topics;
        this.stateFile = eventsDir == null ? null : eventsDir.resolve(FILE);
    }

    String hostId() { return "vigil_" + cfg.device().replace('-', '_'); }

    String cameraId(String camera) { return hostId() + "_" + camera.replace('-', '_'); }

    String topic(String deviceId) { return cfg.discovery().prefix() + "/device/" + deviceId + "/config"; }

    /** Every device's config now, by discovery topic; the host's first. */
    Map<String, ObjectNode> payloads() {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        out.put(topic(hostId()), host());
        for (CameraConfig c : vigil.enabledCameras()) out.put(topic(cameraId(c.name())), camera(c));
        return out;
    }

    /** Publishes every device's config, the removals of what is no longer configured, and remembers what it sent. */
    void publish(BiConsumer<String, byte[]> send) {
        Map<String, ObjectNode> now = payloads();
        Map<String, Map<String, String>> before = readState();
        Map<String, Map<String, String>> after = new LinkedHashMap<>();
        for (var e : now.entrySet()) {
            ObjectNode cmps = (ObjectNode) e.getValue().get("cmps");
            Map<String, String> platforms = new LinkedHashMap<>();
            cmps.properties().forEach(c -> platforms.put(c.getKey(), c.getValue().path("p").asText()));
            // A component no longer configured (a group taken out): only its platform, which HA reads as "remove it".
            for (var old : before.getOrDefault(e.getKey(), Map.of()).entrySet()) {
                if (!platforms.containsKey(old.getKey())) cmps.putObject(old.getKey()).put("p", old.getValue());
            }
            send.accept(e.getKey(), Payloads.bytes(e.getValue()));
            after.put(e.getKey(), platforms);
        }
        for (String gone : before.keySet()) {
            if (!now.containsKey(gone)) {
                send.accept(gone, new byte[0]); // a camera taken out: its device goes
                log.info("mqtt: Home Assistant device {} removed (no longer in the config)", gone);
            }
        }
        writeState(after);
    }

    private ObjectNode base(String id, String name, String model) {
        ObjectNode o = Payloads.JSON.createObjectNode();
        ObjectNode dev = o.putObject("dev");
        dev.putArray("ids").add(id);
        dev.put("name", name);
        dev.put("mf", "vigil");
        dev.put("mdl", model);
        dev.put("sw", version());
        if (!id.equals(hostId())) dev.put("via_device", hostId());
        ObjectNode origin = o.putObject("o");
        origin.put("name", "vigil");
        origin.put("sw", version());
        o.put("avty_t", topics.available());
        o.put("pl_avail", "online");
        o.put("pl_not_avail", "offline");
        o.put("qos", cfg.qos());
        o.putObject("cmps");
        return o;
    }

    private ObjectNode host() {
        ObjectNode o = base(hostId(), "vigil " + cfg.device(), "vigil edge vision daemon");
        ObjectNode c = (ObjectNode) o.get("cmps");
        sensor(c, hostId() + "_power", "Power", topics.status(), "{{ value_json.power_w }}", "W", "power", "measurement");
        sensor(c, hostId() + "_energy", "Energy", topics.status(), "{{ value_json.energy_wh }}", "Wh", "energy", "total_increasing");
        sensor(c, hostId() + "_uptime", "Uptime", topics.status(), "{{ value_json.uptime_s }}", "s", "duration", "measurement");
        return o;
    }

    private ObjectNode camera(CameraConfig cam) {
        String n = cam.name();
        String id = cameraId(n);
        ObjectNode o = base(id, "vigil " + cfg.device() + " " + n, "vigil camera");
        ObjectNode c = (ObjectNode) o.get("cmps");
        for (String g : cam.rules().groups().keySet()) {
            ObjectNode b = component(c, id + "_" + g.replace('-', '_'), "binary_sensor", cap(g));
            b.put("device_class", "occupancy");
            b.put("state_topic", topics.group(n, g));
            b.put("value_template", "{{ value_json.state }}");
            b.put("payload_on", "ON");
            b.put("payload_off", "OFF");
            b.put("json_attributes_topic", topics.group(n, g));
        }
        ObjectNode img = component(c, id + "_snapshot", "image", "Last snapshot");
        img.put("image_topic", topics.cameraSnapshot(n));
        img.put("content_type", "image/jpeg");
        sensor(c, id + "_fps", "Frames per second", topics.status(), "{{ value_json.cameras['" + n + "'].fps }}", "fps", null, "measurement");
        sensor(c, id + "_inference", "Inference time", topics.status(), "{{ value_json.cameras['" + n + "'].inference_ms }}", "ms", "duration", "measurement");
        sensor(c, id + "_events_today", "Events today", topics.status(), "{{ value_json.cameras['" + n + "'].events_today }}", null, null, "total_increasing");
        ObjectNode alarm = component(c, id + "_alarm", "sensor", "Alarm");
        alarm.put("state_topic", topics.alarm(n));
        alarm.put("device_class", "enum");
        alarm.putArray("options").add("DISARMED").add("ARMED").add("TRIGGERED").add("COOLDOWN");
        ObjectNode armed = component(c, id + "_armed", "switch", "Armed");
        armed.put("state_topic", topics.armed(n));
        armed.put("command_topic", topics.armed(n) + "/set");
        armed.put("payload_on", "ON");
        armed.put("payload_off", "OFF");
        ObjectNode detect = component(c, id + "_detect", "switch", "Detection");
        detect.put("state_topic", topics.detect(n));
        detect.put("command_topic", topics.detect(n) + "/set");
        detect.put("payload_on", "ON");
        detect.put("payload_off", "OFF");
        ObjectNode snap = component(c, id + "_take_snapshot", "button", "Take snapshot");
        snap.put("command_topic", topics.prefix() + "/" + n + "/snapshot/take");
        snap.put("payload_press", "PRESS");
        if (vigil.qc().containsKey(n)) {
            for (String k : new String[] {"ok", "ng", "uncertain", "pushed", "late"}) {
                sensor(c, id + "_qc_" + k, "QC " + k, topics.qcCounts(n), "{{ value_json." + k + " }}", null, null, "total_increasing");
            }
        }
        return o;
    }

    private static ObjectNode component(ObjectNode cmps, String uniqueId, String platform, String name) {
        ObjectNode x = cmps.putObject(uniqueId);
        x.put("p", platform);
        x.put("unique_id", uniqueId);
        x.put("name", name);
        return x;
    }

    private static void sensor(ObjectNode cmps, String uniqueId, String name, String topic, String template, String unit,
                               String deviceClass, String stateClass) {
        ObjectNode s = component(cmps, uniqueId, "sensor", name);
        s.put("state_topic", topic);
        s.put("value_template", template);
        if (unit != null) s.put("unit_of_measurement", unit);
        if (deviceClass != null) s.put("device_class", deviceClass);
        if (stateClass != null) s.put("state_class", stateClass);
    }

    private static String cap(String s) { return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).replace('_', ' '); }

    private static String version() {
        String v = Discovery.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private Map<String, Map<String, String>> readState() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (stateFile == null || !Files.isRegularFile(stateFile)) return out;
        try {
            JsonNode n = Payloads.JSON.readTree(Files.readString(stateFile, StandardCharsets.UTF_8));
            n.properties().forEach(d -> {
                Map<String, String> m = new LinkedHashMap<>();
                d.getValue().properties().forEach(c -> m.put(c.getKey(), c.getValue().asText()));
                out.put(d.getKey(), m);
            });
        } catch (IOException | RuntimeException e) {
            log.warn("mqtt: {} cannot be read ({}); entities of removed cameras are not deleted this time", stateFile, e.getMessage());
        }
        return out;
    }

    private void writeState(Map<String, Map<String, String>> state) {
        if (stateFile == null) return;
        try {
            EventFiles.local().writeAtomically(stateFile, Payloads.JSON.writeValueAsBytes(state));
        } catch (IOException e) {
            log.warn("mqtt: {} cannot be written ({})", stateFile, e.getMessage());
        }
    }
}
