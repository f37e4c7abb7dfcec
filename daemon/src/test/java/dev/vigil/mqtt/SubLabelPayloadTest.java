package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.events.Event;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A visit message (MQTT and webhooks) names the event's sub-label when the second stage gave one, and only then. */
class SubLabelPayloadTest {

    @Test
    void theVisitMessageCarriesTheSubLabel() throws Exception {
        VirtualTime vt = new VirtualTime();
        List<JsonNode> messages = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        VisitFeed feed = new VisitFeed(Duration.ofSeconds(10), vt.scheduler(), vt::nanoTime, (type, body, id, best) -> {
            try {
                messages.add(json.readTree(body));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        Event husky = new Event("e1", vt.instant(), "yard", "husky", "dog", 0.8, new double[] {0.1, 0.2, 0.5, 0.9}, "f.jpg", null,
                null, null, "malamute, malemute, Alaskan malamute", 0.961);
        feed.recorded(husky, vt.nanoTime(), false);
        assertEquals("malamute, malemute, Alaskan malamute", messages.getFirst().get("sub_label").asText());
        assertEquals(0.961, messages.getFirst().get("sub_score").asDouble());
        vt.advance(Duration.ofSeconds(1));
        Event plain = new Event("e2", vt.instant(), "door", "person", "person", 0.7, new double[] {0, 0, 1, 1}, "g.jpg", null);
        feed.recorded(plain, vt.nanoTime(), false);
        assertFalse(messages.getLast().has("sub_label"));
        Event back = Event.fromJson(husky.toJson());
        assertEquals(husky.subLabel(), back.subLabel(), "the journal line reads back with its sub-label");
        assertEquals(husky.subScore(), back.subScore());
        assertEquals(husky.toJson(), back.toJson());
    }
}
