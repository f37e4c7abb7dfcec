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

/** vigil against a real Mosquitto (password file, ACL), in this process: what a subscriber sees. */
class MqttDaemonTest extends MqttTestBase {

    @Test
    void folderReplayGivesOneNewAndOneEndPerVisitWithSnapshotsRetainedAndStoppedAtTheEnd() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-replay", false, "vigil/#")) {
            // Two frames a second, a visit quiet 0.3 s after its last sighting (capture times): every photo is a visit of its own.
            VigilConfig cfg = config(broker, "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 2, loop: false }", "0.3");
            try (Vigil v = Wiring.start(cfg, parts(true))) {
                w.await("vigil/test/available", "online", WAIT);
                assertTrue(v.awaitStopped(Duration.ofSeconds(120)), "the folder did not finish");
                int recorded = journal().size();
                w.awaitAll(ms -> events(w).stream().filter(e -> e.get("type").asText().equals("end")).count()
                        == events(w).stream().filter(e -> e.get("type").asText().equals("new")).count()
                        && events(w).stream().filter(e -> !e.get("type").asText().equals("end")).count() == recorded,
                        WAIT, "every event sent and every visit ended");
            }
            w.await("vigil/test/available", "stopped", WAIT);

            List<JsonNode> journal = journal();
            List<JsonNode> events = events(w);
            Map<String, JsonNode> news = new LinkedHashMap<>();
            Map<String, JsonNode> ends = new LinkedHashMap<>();
            for (JsonNode e : events) {
                String type = e.get("type").asText();
                if (type.equals("new")) assertEquals(null, news.put(e.get("id").asText(), e), "one new per visit: " + e);
                if (type.equals("end")) assertEquals(null, ends.put(e.get("id").asText(), e), "one end per visit: " + e);
                assertFalse(e.get("replayed").asBoolean());
            }
            assertEquals(news.keySet(), ends.keySet(), "every visit that started ended");
            for (JsonNode end : ends.values()) {
                assertFalse(end.get("end").isNull(), end.toString());
                assertTrue(end.get("end").asText().compareTo(end.get("start").asText()) >= 0, end.toString());
            }
            // Every journal line is one message (new or update) carrying its id, in the journal's order.
            List<String> sent = events.stream().filter(e -> !e.get("type").asText().equals("end")).map(e -> e.get("event_id").asText()).toList();
            assertEquals(journal.stream().map(j -> j.get("id").asText()).toList(), sent);

            Map<String, Set<String>> groupsByImage = new HashMap<>();
            for (JsonNode n : news.values()) groupsByImage.computeIfAbsent(n.get("source_ref").asText(), k -> new TreeSet<>()).add(n.get("group").asText());
            for (String p : new String[] {"grace_hopper.bmp", "kite_and_cold.jpg", "astronaut.png", "person_dog_horse.jpg"})
                assertTrue(groupsByImage.getOrDefault(p, Set.of()).contains("person"), p + ": " + groupsByImage);
            for (String a : new String[] {"cat.bmp", "dog.bmp", "chelsea.png"})
                assertEquals(Set.of("animal"), groupsByImage.get(a), a + ": " + groupsByImage);
            for (String none : new String[] {"hot_dog.jpg", "empty_street.jpg"})
                assertFalse(groupsByImage.containsKey(none), none + ": " + groupsByImage);

            // A subscriber arriving later gets the retained state: snapshots (JPEG), groups OFF, the alarm, availability.
            try (Watcher late = new Watcher(broker, "watcher-late", false, "vigil/test/#")) {
                for (String g : new String[] {"person", "animal"}) {
                    Watcher.Msg snap = late.await(m -> m.topic().equals("vigil/test/door/" + g + "/snapshot"), WAIT, g + " snapshot");
                    assertTrue(snap.retained() && (snap.payload()[0] & 0xFF) == 0xFF && (snap.payload()[1] & 0xFF) == 0xD8, "a retained JPEG");
                    Watcher.Msg state = late.await(m -> m.topic().equals("vigil/test/door/" + g), WAIT, g + " state");
                    assertEquals("OFF", JSON.readTree(state.payload()).get("state").asText());
                }
                late.await("vigil/test/available", "stopped", WAIT);
                late.await(m -> m.topic().equals("vigil/test/door/alarm") && m.retained(), WAIT, "alarm state");
                JsonNode status = JSON.readTree(late.await(m -> m.topic().equals("vigil/test/status"), WAIT, "status").payload());
                assertEquals("ssd_mobilenet_v1_coco_quant", status.get("model").asText());
                assertEquals(64, status.get("sha256").asText().length());
                assertTrue(status.get("cameras").has("door"), status.toString());
            }
        }
    }

    @Test
    void armDisarmAndDetectionOverMqttAndMalformedCommandsChangeNothing() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-cmd", false, "vigil/#", "homeassistant/#")) {
            // A street without anyone: nothing triggers, so the alarm's state is the commands' alone.
            Path quiet = Files.createDirectories(tmp.resolve("quiet"));
            Files.copy(TestData.image("empty_street.jpg"), quiet.resolve("empty_street.jpg"));
            VigilConfig cfg = config(broker, "{ folder: " + quiet + ", fps: 2, loop: true }", "1");
            try (Vigil v = Wiring.start(cfg, parts(false))) {
                w.await("vigil/test/available", "online", WAIT);
                assertEquals(AlarmState.ARMED, v.decisions().alarmState("door"));

                w.publish("vigil/test/door/armed/set", "OFF");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("disarmed"), WAIT, "disarm answer");
                assertEquals(AlarmState.DISARMED, v.decisions().alarmState("door"));
                w.await("vigil/test/door/alarm", "DISARMED", WAIT);
                w.await("vigil/test/door/armed", "OFF", WAIT);

                int before = w.on("vigil/test/result").size();
                w.publish("vigil/test/door/armed/set", "MAYBE");
                w.publish("vigil/test/nocam/armed/set", "ON");
                w.awaitAll(ms -> w.on("vigil/test/result").size() == before + 2, WAIT, "two answers");
                List<Watcher.Msg> answers = w.on("vigil/test/result").subList(before, before + 2);
                JsonNode a1 = JSON.readTree(answers.get(0).payload()), a2 = JSON.readTree(answers.get(1).payload());
                assertFalse(a1.get("ok").asBoolean());
                assertTrue(a1.get("message").asText().contains("\"MAYBE\" is not ON or OFF"), a1.toString());
                assertFalse(a2.get("ok").asBoolean());
                assertTrue(a2.get("message").asText().contains("no camera nocam"), a2.toString());
                assertEquals(AlarmState.DISARMED, v.decisions().alarmState("door"), "a refused command changes nothing");
                // Feedback on an event goes to the same operation as over HTTP; without sampling it is refused, saying why.
                w.publish("vigil/test/event/nope/feedback", "false_alarm");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("sampling is off"), WAIT, "feedback answer");

                // The ACL gives a guest no right to command: the broker drops it, vigil never sees it.
                try (Watcher guest = new Watcher(broker, "guest", Mosquitto.GUEST_PASSWORD, "guest", false)) {
                    guest.publish("vigil/test/door/armed/set", "ON");
                } catch (org.eclipse.paho.mqttv5.common.MqttException refused) {
                    // MQTT 5 may answer "not authorized" to the publisher itself
                }
                int answered = w.on("vigil/test/result").size();
                w.publish("vigil/test/door/armed/set", "OFF"); // the watcher's next command: answered after the guest's would have been
                w.awaitAll(ms -> w.on("vigil/test/result").size() > answered, WAIT, "an answer");
                assertEquals(answered + 1, w.on("vigil/test/result").size(), "only the watcher's command was answered");
                assertEquals(AlarmState.DISARMED, v.decisions().alarmState("door"), "the guest's command changed nothing");

                w.publish("vigil/test/door/armed/set", "ON");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("camera door armed"), WAIT, "arm answer");
                assertEquals(AlarmState.ARMED, v.decisions().alarmState("door"));

                w.publish("vigil/test/door/detect/set", "OFF");
                w.await("vigil/test/door/detect", "OFF", WAIT);
                assertFalse(v.decisions().detecting("door"));
                assertEquals("detection off", v.decisions().skip("door"));
                w.publish("vigil/test/door/detect/set", "ON");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("detection on"), WAIT, "detection answer");
                assertTrue(v.decisions().detecting("door"));

                w.publish("vigil/test/door/snapshot/take", "PRESS");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("snapshot of camera door"), WAIT, "snapshot answer");
                Watcher.Msg snap = w.await(m -> m.topic().equals("vigil/test/door/snapshot"), WAIT, "snapshot");
                assertEquals(0xD8, snap.payload()[1] & 0xFF);

                // Home Assistant discovery: the host and the camera, valid JSON with HA's fields, sent again when HA says online.
                Watcher.Msg cam = w.await(m -> m.topic().equals("homeassistant/device/vigil_test_door/config"), WAIT, "camera discovery");
                JsonNode d = JSON.readTree(cam.payload());
                assertTrue(cam.retained() || w.on(cam.topic()).size() > 0);
                DiscoveryTest.checkDevice(d, "vigil/test/available");
                JsonNode cmps = d.get("cmps");
                assertEquals("binary_sensor", cmps.get("vigil_test_door_person").get("p").asText());
                assertEquals("occupancy", cmps.get("vigil_test_door_person").get("device_class").asText());
                assertEquals("vigil/test/door/person", cmps.get("vigil_test_door_person").get("state_topic").asText());
                assertEquals("vigil/test/door/snapshot", cmps.get("vigil_test_door_snapshot").get("image_topic").asText());
                assertEquals("vigil/test/door/armed/set", cmps.get("vigil_test_door_armed").get("command_topic").asText());
                assertEquals("button", cmps.get("vigil_test_door_take_snapshot").get("p").asText());
                DiscoveryTest.checkDevice(JSON.readTree(w.await(m -> m.topic().equals("homeassistant/device/vigil_test/config"), WAIT, "host discovery").payload()), "vigil/test/available");
                int sentBefore = w.on("homeassistant/device/vigil_test_door/config").size();
                w.publish("homeassistant/status", "online");
                w.awaitAll(ms -> w.on("homeassistant/device/vigil_test_door/config").size() > sentBefore, WAIT, "discovery sent again");
            }
        }
    }
}
