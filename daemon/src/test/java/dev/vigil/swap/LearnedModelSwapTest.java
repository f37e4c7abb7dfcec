package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.inference.EngineOptions;
import dev.vigil.learn.Learner;
import dev.vigil.learn.Washers;
import dev.vigil.learn.Washers.Part;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A learned model is a camera's model by name, and a second one learned with a class more (a scratch) takes its place
 * through the hot swap, self-test and all: it agrees with the first on the OK and notched parts the line shows.
 */
class LearnedModelSwapTest {

    @TempDir
    Path tmp;

    final String name = "washers-swap-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void removeLearnedModels() throws Exception {
        for (String n : new String[] {name, name + "-3"}) {
            Path dir = ModelStore.fromEnvironment().learnedDir().resolve(n);
            if (!Files.exists(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    @Test
    void aModelLearnedWithAThirdClassPassesTheSelfTestAndTakesOver() throws Exception {
        ModelStore store = ModelStore.fromEnvironment().withMirror(TestData.shared(), "test");
        Path two = Washers.folder(tmp.resolve("two"), 15, 1, Part.OK, Part.NOTCH);
        Path three = Washers.folder(tmp.resolve("three"), 15, 1, Part.OK, Part.NOTCH, Part.SCRATCH);
        Learner.learn(store, new Learner.Options(name, two, Learner.DEFAULT_BASE, null, "tflite", EngineOptions.cpu(2), 0.2, false));
        Learner.learn(store, new Learner.Options(name + "-3", three, Learner.DEFAULT_BASE, null, "tflite", EngineOptions.cpu(2), 0.2, false));

        Path frames = Files.createDirectories(tmp.resolve("frames"));
        Path feed = Washers.folder(tmp.resolve("feed"), 4, 7, Part.OK, Part.NOTCH);
        try (Stream<Path> s = Files.walk(feed)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) Files.copy(p, frames.resolve(p.getFileName()));
        }
        String yaml = """
                model: %s
                threads: 1
                events: { dir: %s }
                http: { listen: "127.0.0.1:0" }
                cameras:
                  line:
                    source: { folder: %s, fps: 8, loop: true }
                    groups:
                      defect: { labels: [notch], min_score: 0.5 }
                """.formatted(name, tmp.resolve("events"), frames);
        var cfg = ConfigLoader.load(Files.writeString(tmp.resolve("vigil.yaml"), yaml));
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(store))) {
            assertEquals(name, v.model().name());
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (v.models().referenceFrames() < 8) {
                assertTrue(System.nanoTime() < end, "reference frames: " + v.models().referenceFrames() + ", " + v.cameraStats());
                Thread.sleep(100);
            }
            DeployResult r = v.deployModel(new DeployRequest(name + "-3", false, "test"));
            assertTrue(r.switched(), r.message());
            assertEquals(name + "-3", v.model().name());
            System.out.println("deploy of the learned model: " + r.message());
        }
    }
}
