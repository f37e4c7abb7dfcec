package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.decision.DecisionStage;
import dev.vigil.events.Event;
import dev.vigil.health.Health;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's timers on virtual time: the status every status_interval_s, a visit's end after quiet_s. */
class MqttBridgeTimeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void statusEveryIntervalAndTheGroupOffExactlyQuietTimeAfterTheLastSighting() throws Exception {
        VirtualTime vt = new VirtualTime();
        // A broker that is not there: everything waits in the backlog, the retained state is kept for the connection.
        VigilConfig cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                cameras:
                  door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } }
                mqtt: { url: "mqtt://127.0.0.1:1", device: t, status_interval_s: 5, quiet_s: 2.5 }
                """.formatted(tmp.resolve("events")), tmp, Map.of());
        DecisionStage decisions = DecisionStage.create(cfg, c -> Optional.empty(), null, vt.scheduler(), vt);
        Health health = new Health(Map.of("door", Duration.ofSeconds(10)), vt::nanoTime);
        AtomicInteger statusReads = new AtomicInteger();
        var statusJson = JSON.readTree("{\"model\": {\"name\": \"m\", \"sha256\": \"x\", \"delegate\": \"cpu\"}, \"uptime_s\": 1, \"cameras\": []}");
        MqttBridge.Parts parts = new MqttBridge.Parts(decisions, health, null, () -> {
            statusReads.incrementAndGet();
            return statusJson;
        }, null);
        MqttBridge b = MqttBridge.start(cfg, cfg.mqtt().orElseThrow(), parts, vt);
        try {
            vt.runDue();
            assertEquals("{\"state\":\"OFF\",\"count\":0,\"since\":\"2026-11-21T08:00:00Z\"}", new String(b.retained("vigil/t/door/person")));
            assertEquals("ARMED", new String(b.retained("vigil/t/door/alarm")));
            vt.advance(Duration.ofMillis(4999));
            assertEquals(0, statusReads.get());
            assertNull(b.retained("vigil/t/status"));
            vt.advance(Duration.ofMillis(1));
            assertEquals(1, statusReads.get(), "the first status at exactly 5 s");
            vt.advance(Duration.ofMillis(5000));
            assertEquals(2, statusReads.get());

            // A person recorded at 10 s, seen in a frame at 11 s: ON, then OFF at exactly 13.5 s.
            b.recorded(new Event("e1", vt.instant(), "door", "person", "person", 0.8, new double[] {0, 0, 1, 1}, "f", null));
            vt.runDue();
            assertEquals("ON", JSON.readTree(b.retained("vigil/t/door/person")).get("state").asText());
            assertEquals(1, b.queued(), "the new event waits for the broker");
            vt.advance(Duration.ofMillis(1000));
            b.accept(frame(vt), null);
            vt.runDue();
            vt.advance(Duration.ofMillis(2499));
            assertEquals("ON", JSON.readTree(b.retained("vigil/t/door/person")).get("state").asText());
            vt.advance(Duration.ofMillis(1));
            var off = JSON.readTree(b.retained("vigil/t/door/person"));
            assertEquals("OFF", off.get("state").asText());
            assertEquals("2026-11-21T08:00:11Z", off.get("since").asText(), "off since the last sighting");
            assertEquals(2, b.queued(), "new and end wait for the broker, in order");

            // Detection switched off elsewhere (over HTTP): the retained switch follows at the next second's check.
            assertEquals("ON", new String(b.retained("vigil/t/door/detect")));
            decisions.detection("door", false, "http 127.0.0.1");
            long next = 1_000_000_000L - (vt.nanoTime() - VirtualTime.START_NANOS) % 1_000_000_000L;
            vt.advance(Duration.ofNanos(next - 1));
            assertEquals("ON", new String(b.retained("vigil/t/door/detect")));
            vt.advance(Duration.ofNanos(1));
            assertEquals("OFF", new String(b.retained("vigil/t/door/detect")));
        } finally {
            b.close();
            decisions.close();
        }
    }

    static dev.vigil.pipeline.FrameResult frame(VirtualTime vt) {
        var d = new dev.vigil.postprocess.Detection("person", 0, 0.9f, new float[] {0.1f, 0.1f, 0.5f, 0.9f});
        return new dev.vigil.pipeline.FrameResult("door", 1, vt.instant(), "f", vt.nanoTime(),
                new dev.vigil.pipeline.ModelId("m", "x", "cpu"), dev.vigil.pipeline.Analyzer.Kind.DETECTOR,
                new java.util.ArrayList<>(java.util.List.of(d)), new java.util.ArrayList<>(), new java.util.ArrayList<>(), null, vt.nanoTime());
    }
}
