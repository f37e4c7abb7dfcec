package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole daemon on a live RTSP camera (a real server fed by Debian's ffmpeg): it connects and detects people. */
class DaemonOverRtspTest {

    @TempDir
    Path tmp;

    @Test
    void theDaemonConnectsToAnRtspCameraAndRecordsPersonEvents() throws Exception {
        Path clip = Fixtures.clip(20);
        int port = Fixtures.freePort();
        String yaml = """
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                cameras:
                  door:
                    source: { stream: "rtsp://viewer:secret@127.0.0.1:%d/cam", connect_timeout_s: 4, read_timeout_s: 2 }
                    groups:
                      person: { labels: [person], min_score: 0.5 }
                      animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                    cooldown_s: 0
                    tracking: false
                """.formatted(tmp.resolve("events"), port);
        try (RtspRelay relay = RtspRelay.start(clip, port);
             dev.vigil.daemon.Vigil d = dev.vigil.daemon.Wiring.start(ConfigLoader.parse(yaml, tmp, Map.of()),
                     dev.vigil.daemon.Wiring.Parts.forTest(dev.vigil.model.ModelStore.fromEnvironment()).withHttp(false))) {
            Path log = tmp.resolve("events/events.jsonl");
            assertTrue(Fixtures.await(Duration.ofSeconds(30), () -> {
                try {
                    return Files.exists(log) && Files.readString(log).contains("\"group\":\"person\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            }), "no person event over RTSP: " + d.cameraStats());
            var s = d.cameraStats().getFirst();
            assertTrue(s.state() == CameraState.UP, s.toString());
            // The metrics take frames from their queue a tenth of a second late: wait for the count, don't assume it.
            assertTrue(Fixtures.await(Duration.ofSeconds(5), () -> d.frames().processed("door") > 0), "processed frames counted");
        }
    }
}
