package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.FrameSource;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arm64 failure: a clip FFmpeg's natives could not open made {@code run --once} exit 0 with nothing captured. Now the
 * run finishes (the camera ends with its reason) and the camera that never delivered a frame is named, which makes
 * {@code run --once} exit {@link Main#EXIT_NO_FRAMES}.
 */
class RunOnceNeverReadTest {

    @TempDir
    Path tmp;

    /** A clip whose decoder's natives are missing, as on a minimal arm64 system. */
    static final class NoNatives implements FrameSource {
        @Override
        public void open() {
            throw new UnsatisfiedLinkError("/tmp/javacpp/libjniavformat.so: libva-drm.so.2: cannot open shared object file: No such file or directory");
        }

        @Override public String read(Mat dst) { return null; }

        @Override public double pace() { return 0; }

        @Override public boolean finite() { return true; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "file clip.mp4"; }

        @Override public void close() {}
    }

    @Test
    void aOnceRunNamesTheCameraWhoseSourceWasNeverRead() throws Exception {
        String yaml = """
                model: %s
                events: { dir: %s }
                cameras:
                  yard:
                    source: { folder: %s, fps: 50 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                  clip:
                    source: { folder: /replaced, fps: 20 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), TestData.images());
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of()), "person");
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false).withAnalyzers(fake.analyzers())
                .withSources(Map.of("clip", new NoNatives())).withOnce(true);
        try (Vigil v = Wiring.start(cfg, parts)) {
            assertTrue(v.awaitStopped(Duration.ofSeconds(60)), "the --once run finishes: " + v.cameraStats());
            assertEquals(List.of("clip"), RunCommand.neverRead(v));
            String reason = v.health().camera("clip").reason();
            assertEquals("ended: cannot open: natives cannot load: libva-drm.so.2 missing; install libva-drm2", reason);
        }
    }
}
