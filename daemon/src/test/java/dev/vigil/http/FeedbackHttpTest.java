package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.Event;
import dev.vigil.events.EventFiles;
import dev.vigil.model.ModelStore;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator marks a real event of the photo replay as a false alarm over HTTP: its frame (and its neighbours') become samples. */
class FeedbackHttpTest {

    @TempDir
    Path tmp;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> post(int port, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFalseAlarmMarkedOverHttpKeepsTheEventsFrame() throws Exception {
        Path token = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        VigilConfig cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups: { animal: { labels: [cat, dog], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false } } }
                """.formatted(tmp.resolve("events"), token, TestData.images().toAbsolutePath(), tmp.resolve("ds")), tmp, Map.of());
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true);
        try (Vigil d = Wiring.start(cfg, parts)) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(90)), "--once did not finish: " + d.cameraStats());
            d.bus().close(); // every event written and every fired frame held
            List<Event> events = d.events().recent(100);
            Event cat = events.stream().filter(e -> e.sourceRef().equals("cat.bmp")).findFirst().orElseThrow(() -> new AssertionError(events.toString()));
            int port = d.http().port();
            ControlHttpTest.refused(post(port, "/api/events/" + cat.id() + "/feedback", "false_alarm", null), 401, "");
            ControlHttpTest.refused(post(port, "/api/events/nope/feedback", "false_alarm", AccessTest.TOKEN), 404, "no event nope");
            ControlHttpTest.refused(post(port, "/api/events/" + cat.id() + "/feedback", "wrong", AccessTest.TOKEN), 400, "is not one of false_alarm, miss");
            HttpResponse<String> ok = post(port, "/api/events/" + cat.id() + "/feedback", "{\"feedback\": \"false_alarm\"}", AccessTest.TOKEN);
            assertEquals(200, ok.statusCode(), ok.body());
            List<Sample> samples = SampleStore.open(tmp.resolve("ds"), Long.MAX_VALUE, EventFiles.local()).list();
            // The event's frame, and its neighbours: frames that fired within 2 s (at 20 fps, the other photos with animals).
            List<Sample> own = samples.stream().filter(x -> x.id().contains("-e")).toList();
            assertEquals(1, own.size(), samples.toString());
            for (Sample n : samples) {
                assertEquals(cat.id(), n.event());
                assertTrue(Math.abs(Duration.between(n.time(), cat.time()).toMillis()) <= 2000, n.toString());
            }
            assertTrue(ok.body().contains("with " + (samples.size() - 1) + " neighbour(s)") || samples.size() == 1, ok.body());
            Sample s = own.getFirst();
            assertEquals(List.of("feedback", "false_alarm", cat.id(), "cat.bmp"), List.of(s.strategy(), s.feedback(), s.event(), s.source()));
            assertEquals("cat", s.predictions().getFirst().label());
            assertTrue(Files.size(tmp.resolve("ds/samples/" + s.id() + ".jpg")) > 1000);
        }
    }
}
