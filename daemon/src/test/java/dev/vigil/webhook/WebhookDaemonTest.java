package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon replaying the shared photos once with a webhook: every visit's new and end (the last ones at shutdown,
 * the quiet time being 10 s), each once, with the best snapshot's JPEG.
 */
class WebhookDaemonTest {

    @TempDir
    Path tmp;

    @Test
    void theFolderReplayPostsEachVisitsNewAndEndWithItsSnapshot() throws Exception {
        try (WebhooksTest.Hook hook = new WebhooksTest.Hook(n -> 200, false)) {
            VigilConfig cfg = ConfigLoader.parse("""
                    model: ssd_mobilenet_v1_coco_quant
                    threads: 2
                    events: { dir: %s }
                    cameras:
                      door:
                        source: { folder: %s, fps: 2, loop: false }
                        groups:
                          person: { labels: [person], min_score: 0.5 }
                          animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                        confirm: { frames: 1, of: 1 }
                        tracking: false
                    webhooks: [ { url: "%s", events: [new, end], snapshot: true } ]
                    """.formatted(tmp.resolve("events"), TestData.images().toAbsolutePath(), hook.url()), tmp, Map.of());
            try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false))) {
                assertTrue(v.awaitStopped(Duration.ofSeconds(120)), "the folder did not finish");
            }
            List<JsonNode> got = hook.accepted();
            Set<String> news = new HashSet<>(), ends = new HashSet<>();
            for (JsonNode n : got) {
                String type = n.get("type").asText();
                assertTrue(type.equals("new") || type.equals("end"), "only the kinds asked for: " + n.get("type"));
                assertTrue((type.equals("new") ? news : ends).add(n.get("id").asText()), "once each: " + n.get("id"));
                byte[] jpeg = Base64.getDecoder().decode(n.get("snapshot_jpeg").asText());
                assertEquals(0xD8, jpeg[1] & 0xFF, "a JPEG");
                if (type.equals("end")) assertFalse(n.get("end").isNull());
            }
            assertFalse(news.isEmpty());
            assertEquals(news, ends, "every visit that started ended");
            Set<String> groups = new HashSet<>();
            for (JsonNode n : got) groups.add(n.get("group").asText());
            assertEquals(Set.of("person", "animal"), groups);
        }
    }
}
