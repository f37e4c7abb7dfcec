package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.bench.Bench;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native memory of a model swapped out is returned: the real detector deployed there and back 20 times under a
 * running camera, {@code System.gc()} between, leaves the resident memory within 10 MB of where it was after the first
 * round trip (which warms the allocator and the JIT). The count of bytes the C heap has out is reported beside it.
 */
class SwapMemoryTest {

    @TempDir
    Path tmp;

    @Test
    void twentySwapsThereAndBackReturnTheirNativeMemory() throws Exception {
        Path original = TestData.model(TestData.DETECTOR).toAbsolutePath();
        byte[] bytes = Files.readAllBytes(original);
        Path copy = Files.write(tmp.resolve("retrained.tflite"), Arrays.copyOf(bytes, bytes.length + 16));
        Files.copy(TestData.model("coco_labels.txt"), tmp.resolve("retrained.txt"));
        String yaml = """
                model: %s
                threads: 1
                events: { dir: %s }
                models: { probation_s: 0 }
                cameras:
                  door:
                    source: { folder: %s, fps: 10, loop: true }
                    # a group nothing in the photos belongs to: no event's JPEG work stirs the C heap mid-measure
                    groups: { brushes: { labels: [toothbrush], min_score: 0.5 } }
                """.formatted(original, tmp.resolve("events"), TestData.images().toAbsolutePath());
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        List<Double> rss = new ArrayList<>();
        List<Double> malloc = new ArrayList<>();
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withHttp(false))) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (v.models().referenceFrames() < 3) {
                assertTrue(System.nanoTime() < end, "no reference frames: " + v.cameraStats());
                Thread.sleep(100);
            }
            // A daemon's own resident memory grows for its first seconds (arenas of its threads, JIT, the live view) and
            // then stays: the swaps are measured from there, not mixed with it.
            List<Double> warm = new ArrayList<>();
            while (warm.size() < 4 || warm.getLast() - warm.get(warm.size() - 4) > 1) {
                assertTrue(System.nanoTime() < end + Duration.ofSeconds(30).toNanos(), "resident memory never settled: " + warm);
                Thread.sleep(700);
                warm.add(settled(v));
            }
            for (int i = 0; i < 22; i++) {
                for (Path target : new Path[] {copy, original}) {
                    DeployResult r = v.deployModel(new DeployRequest(target.toString(), false, "test"));
                    assertTrue(r.switched(), r.message());
                }
                rss.add(settled(v));
                malloc.add(Math.round(dev.vigil.nativeio.Libc.Heap.inUse() / 1048576.0 * 10) / 10.0);
            }
        }
        // The first two round trips warm the allocator's arenas and the JIT: the 20 measured start after them. What the
        // Java heap touches of its committed size on the way (a deploy reads the file twice: sha256, metadata) is in it.
        double base = rss.get(1);
        System.out.println("swap memory: rss after each round trip (MB) " + rss + "; C heap in use (MB) " + malloc);
        assertTrue(rss.getLast() - base <= 10, "rss after each round trip (MB): " + rss + "; C heap in use (MB): " + malloc);
        assertTrue(malloc.getLast() - malloc.get(1) <= 10, "C heap in use after each round trip (MB): " + malloc);
    }

    /** After a collection, once the previous model (probation 0) was closed on the swap's thread. */
    static double settled(Vigil v) throws InterruptedException {
        while (v.models().status().previous() != null) Thread.sleep(10);
        Thread.sleep(100);
        System.gc();
        Thread.sleep(200);
        return Bench.rssMb();
    }
}
