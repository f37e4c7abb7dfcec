package dev.vigil.webhook;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QC station with a webhook for its verdicts: three parts past the barrier (ok, ng, ok) reach a receiver that refuses
 * the first attempt, each once and in the line's order, and nothing but verdicts is sent (events: [qc]).
 */
class WebhookQcTest {

    @TempDir
    Path tmp;

    @Test
    void eachVerdictIsPostedOnceInTheLinesOrderAfterARefusedFirstAttempt() throws Exception {
        try (WebhooksTest.Hook hook = new WebhooksTest.Hook(n -> n == 1 ? 503 : 200, false)) {
            VigilConfig cfg = ConfigLoader.parse(QcLine.yaml(tmp, tmp.resolve("events"))
                    + "webhooks: [ { url: \"%s\", events: [qc] } ]\n".formatted(hook.url()), tmp, Map.of());
            String hotdog = QcLine.HOTDOG;
            FakeEngine fake = QcLine.engine();
            QcLine.Belt belt = new QcLine.Belt();
            Pi4jPins pins = Pi4jPins.mock("test");
            Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                    .withPins(c -> pins).withSources(Map.of("line1", belt));
            try (Vigil v = Wiring.start(cfg, parts)) {
                QcLine.parts(v, belt, pins, "hotdog", "cat", "hotdog");
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (hook.accepted().size() < 3 && System.nanoTime() < until) Thread.sleep(20);
                Thread.sleep(300); // a fourth post (a duplicate, an event) would come now
            } finally {
                belt.free();
            }
            List<JsonNode> got = hook.accepted();
            assertEquals(List.of("ok", "ng", "ok"), got.stream().map(n -> n.get("verdict").asText()).toList(), got.toString());
            assertEquals(List.of(hotdog, "Egyptian cat", hotdog), got.stream().map(n -> n.get("label").asText()).toList());
            long previous = -1;
            for (JsonNode n : got) {
                assertEquals("line1", n.get("camera").asText());
                assertTrue(n.get("id").asText().startsWith("line1-"), n.toString());
                assertTrue(n.get("part").asLong() > previous, "parts in the line's order: " + got);
                previous = n.get("part").asLong();
            }
            assertEquals(List.of(503, 200, 200, 200), hook.answers, "the refused attempt was tried again, nothing else was sent");
            assertEquals(hook.bodies.get(0), hook.bodies.get(1), "the retry is the first verdict again");
        }
    }
}
