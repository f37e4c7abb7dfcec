package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Store and forward: events recorded while the broker is away reach a subscriber afterwards, all of them, in order. */
class MqttOutageTest extends MqttTestBase {

    /** The journal events the subscriber got (new or update), each once, in the order they first came. */
    static List<String> delivered(Watcher w) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (JsonNode e : events(w)) if (!e.get("type").asText().equals("end")) ids.add(e.get("event_id").asText());
        return new ArrayList<>(ids);
    }

    List<String> journalIds() throws Exception {
        return journal().stream().map(j -> j.get("id").asText()).toList();
    }

    /** Waits until {@code w} got every one of {@code ids}; fails naming the ones missing (not the whole stream). */
    static void awaitDelivered(Watcher w, List<String> ids, Duration timeout, String what) throws InterruptedException {
        try {
            w.awaitAll(ms -> delivered(w).containsAll(ids), timeout, what);
        } catch (AssertionError e) {
            List<String> missing = new ArrayList<>(ids);
            missing.removeAll(delivered(w));
            throw new AssertionError(what + ": " + missing.size() + " of " + ids.size() + " not delivered within " + timeout + ": " + missing);
        }
    }

    @Test
    void theBrokerAwayForThirtySecondsLosesNoEventAndReordersNone() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-outage", true, "vigil/test/events")) {
            VigilConfig cfg = config(broker, "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 2, loop: true }", "0.3");
            try (Vigil v = Wiring.start(cfg, parts(false))) {
                w.awaitAll(ms -> !ms.isEmpty(), WAIT, "a first event");
                broker.stop();
                int before = journalIds().size();
                Thread.sleep(30_000);
                int during = journalIds().size() - before;
                assertTrue(during >= 10, "events recorded while the broker was away: " + during);
                assertTrue(v.mqtt().queued() > 0, "the backlog holds them");
                broker.start();
                List<String> recordedSoFar = journalIds();
                awaitDelivered(w, recordedSoFar, Duration.ofSeconds(90), "every event of the outage");
            }
            List<String> all = journalIds();
            awaitDelivered(w, all, WAIT, "every event");
            assertEquals(all, delivered(w), "in the journal's order");
        }
    }

    @Test
    void eventsOfARunWithoutBrokerAreSentFromTheJournalAtTheNextStart() throws Exception {
        Path people = Files.createDirectories(tmp.resolve("people"));
        for (String p : new String[] {"grace_hopper.bmp", "astronaut.png"}) Files.copy(TestData.image(p), people.resolve(p));
        Path nobody = Files.createDirectories(tmp.resolve("nobody"));
        Files.copy(TestData.image("empty_street.jpg"), nobody.resolve("empty_street.jpg"));
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-journal", true, "vigil/test/events")) {
            try (Vigil v = Wiring.start(config(broker, "{ folder: " + people + ", fps: 4, loop: false }", "0.3"), parts(true))) {
                assertTrue(v.awaitStopped(WAIT));
                List<String> first = journalIds();
                w.awaitAll(ms -> delivered(w).containsAll(first), WAIT, "the first run's events");
            }
            int firstRun = journalIds().size();
            broker.stop();
            try (Vigil v = Wiring.start(config(broker, "{ folder: " + people + ", fps: 4, loop: false }", "0.3"), parts(true))) {
                assertTrue(v.awaitStopped(WAIT));
            }
            List<String> offline = journalIds().subList(firstRun, journalIds().size());
            assertTrue(offline.size() >= 2, "the second run recorded events: " + offline);
            broker.start();
            try (Vigil v = Wiring.start(config(broker, "{ folder: " + nobody + ", fps: 4, loop: false }", "0.3"), parts(true))) {
                w.awaitAll(ms -> delivered(w).containsAll(offline), WAIT, "the offline run's events, from the journal");
            }
            List<String> replayed = new ArrayList<>();
            for (JsonNode e : events(w)) if (e.get("replayed").asBoolean() && e.get("type").asText().equals("new")) replayed.add(e.get("event_id").asText());
            assertEquals(offline, replayed, "each event of the offline run once, in order, marked replayed");
        }
    }
}
