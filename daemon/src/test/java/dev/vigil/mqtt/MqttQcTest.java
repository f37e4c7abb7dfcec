package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.gpio.Pi4jPins;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.QcLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A QC line on MQTT: every verdict on <prefix>/<camera>/qc in order, the counters retained, outputs pulsed and reset remotely. */
class MqttQcTest extends MqttTestBase {

    VigilConfig qcConfig(Mosquitto broker) {
        return ConfigLoader.parse(QcLine.yaml(tmp, tmp.resolve("events"))
                + "mqtt: { url: \"%s\", device: test, username: vigil, password: \"${MQTT_PASSWORD}\", status_interval_s: 1 }\n".formatted(broker.url()),
                tmp, Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
    }

    static List<JsonNode> verdicts(Watcher w) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Watcher.Msg m : w.on("vigil/test/line1/qc")) out.add(JSON.readTree(m.payload()));
        return out;
    }

    @Test
    void verdictsOfARunWithoutBrokerAreSentFromTheAuditAtTheNextStartOnceInOrder() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-qc-replay", true, "vigil/test/line1/qc", "vigil/test/available")) {
            VigilConfig cfg = qcConfig(broker);
            FakeEngine fake = QcLine.engine();
            QcLine.Belt belt = new QcLine.Belt();
            try {
                broker.stop();
                Pi4jPins pins = Pi4jPins.mock("test-offline");
                Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                        .withPins(c -> pins).withSources(Map.of("line1", belt));
                try (Vigil v = Wiring.start(cfg, parts)) {
                    QcLine.parts(v, belt, pins, "cat", "hotdog", "cat");
                    long until = System.nanoTime() + WAIT.toNanos();
                    while (v.decisions().qc().get("line1").counts().ng() + v.decisions().qc().get("line1").counts().ok() < 3
                            && System.nanoTime() < until) Thread.sleep(20);
                }
                List<String> audited = new ArrayList<>();
                for (String l : java.nio.file.Files.readAllLines(tmp.resolve("events/qc-line1.jsonl"))) audited.add(JSON.readTree(l).get("verdict").asText());
                assertEquals(List.of("NG", "OK", "NG"), audited, "the audit has the offline run's parts");
                broker.start();
                for (int run = 0; run < 2; run++) {
                    Pi4jPins again = Pi4jPins.mock("test-replay-" + run);
                    Wiring.Parts next = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                            .withPins(c -> again).withSources(Map.of("line1", belt));
                    belt.showing = "empty";
                    int stoppedBefore = w.on("vigil/test/available").stream().filter(m -> m.text().equals("stopped")).toList().size();
                    try (Vigil v = Wiring.start(cfg, next)) {
                        if (run == 0) w.awaitAll(ms -> w.on("vigil/test/line1/qc").size() >= 3, WAIT, "the offline run's verdicts");
                        long until = System.nanoTime() + WAIT.toNanos();
                        while (!(v.mqtt().connected() && v.mqtt().queued() == 0) && System.nanoTime() < until) Thread.sleep(20);
                    }
                    // "stopped" comes after whatever this run sent: the watcher has it all once it has that.
                    w.awaitAll(ms -> w.on("vigil/test/available").stream().filter(m -> m.text().equals("stopped")).count() > stoppedBefore,
                            WAIT, "stopped after run " + run);
                }
                List<JsonNode> got = verdicts(w);
                assertEquals(List.of("ng", "ok", "ng"), got.stream().map(j -> j.get("verdict").asText()).toList(),
                        "each verdict of the offline run once (a second start sends none again), in order: " + got);
                assertTrue(got.stream().allMatch(j -> j.get("replayed").asBoolean() && j.get("camera").asText().equals("line1")), got.toString());
                assertEquals(List.of(1L, 2L, 3L), got.stream().map(j -> j.get("part").asLong()).toList());
            } finally {
                belt.free();
            }
        }
    }

    @Test
    void verdictsArriveInOrderWithRetainedCountersAndOutputsObeyPulseAndReset() throws Exception {
        try (Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-qc", false, "vigil/#")) {
            VigilConfig cfg = qcConfig(broker);
            FakeEngine fake = QcLine.engine();
            QcLine.Belt belt = new QcLine.Belt();
            Pi4jPins pins = Pi4jPins.mock("test");
            List<Boolean> reject = Collections.synchronizedList(new ArrayList<>());
            Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                    .withPins(c -> pins).withSources(Map.of("line1", belt));
            try (Vigil v = Wiring.start(cfg, parts)) {
                w.await("vigil/test/available", "online", WAIT);
                pins.onOutputLevel("reject", (high, nanos) -> reject.add(high));
                QcLine.parts(v, belt, pins, "hotdog", "cat", "hotdog");
                w.awaitAll(ms -> w.on("vigil/test/line1/qc").size() == 3, WAIT, "three verdicts");
                List<String> verdicts = new ArrayList<>();
                for (Watcher.Msg m : w.on("vigil/test/line1/qc")) {
                    JsonNode j = JSON.readTree(m.payload());
                    verdicts.add(j.get("verdict").asText());
                    assertEquals("line1", j.get("camera").asText());
                    assertEquals(12, j.get("model_sha256").asText().length(), "the model that judged it: " + j);
                }
                assertEquals(List.of("ok", "ng", "ok"), verdicts);
                w.await(m -> m.topic().equals("vigil/test/line1/qc/counts") && m.text().contains("\"ng\":1") && m.text().contains("\"ok\":2"), WAIT, "counters");

                reject.clear();
                w.publish("vigil/test/output/reject/pulse", "abc");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("is not a pulse length"), WAIT, "a refused pulse");
                w.publish("vigil/test/output/nope/pulse", "100");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("no output nope"), WAIT, "an unknown output");
                assertEquals(List.of(), reject, "refused commands touch no output");
                w.publish("vigil/test/output/reject/pulse", "100");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("output reject pulsed"), WAIT, "a pulse");
                long until = System.nanoTime() + 10_000_000_000L;
                while (reject.size() < 2 && System.nanoTime() < until) Thread.sleep(10);
                assertEquals(List.of(true, false), reject, "one pulse: on, then off");
                w.publish("vigil/test/outputs/reset", "");
                w.await(m -> m.topic().equals("vigil/test/result") && m.text().contains("every output off"), WAIT, "reset");
                assertTrue(!pins.level("reject"), "off after the reset");
            } finally {
                belt.free();
            }
        }
    }
}
