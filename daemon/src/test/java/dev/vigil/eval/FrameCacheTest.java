package dev.vigil.eval;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images from the frame cache, in memory or on disk, give the model exactly the input a fresh decode gives: the same
 * predictions to the last bit, so the same mAP. Photos of several formats and sizes, some flipped into new JPEGs.
 */
class FrameCacheTest {

    @TempDir
    Path tmp;

    static final List<String> PHOTOS = List.of("dog_bicycle_car.jpg", "kite_and_cold.jpg", "cat.bmp", "chelsea.png", "person_dog_horse.jpg");

    List<Path> photos() throws Exception {
        List<Path> out = new ArrayList<>();
        for (String f : PHOTOS) {
            out.add(Files.copy(TestData.image(f), tmp.resolve(f)));
            try (Mat m = TestData.read(f)) {
                flip(m, m, 1);
                Path flipped = tmp.resolve("flipped_" + f.replaceAll("\\.\\w+$", ".jpg"));
                imwrite(flipped.toString(), m);
                out.add(flipped);
            }
        }
        return out;
    }

    static Analyzer detector() {
        return Analyzer.open(ModelSpec.of(ModelStore.fromEnvironment().resolve("ssd_mobilenet_v1_coco_quant")), Analyzer.Options.defaults(1));
    }

    static void assertSamePredictions(EvalRun.Result expected, EvalRun.Result actual) {
        assertEquals(expected.outputs().size(), actual.outputs().size());
        for (int i = 0; i < expected.outputs().size(); i++) {
            EvalRun.Output e = expected.outputs().get(i), a = actual.outputs().get(i);
            assertArrayEquals(e.classes(), a.classes(), "image " + i);
            assertArrayEquals(e.scores(), a.scores(), "image " + i);
            assertArrayEquals(e.boxes(), a.boxes(), "image " + i);
            assertEquals(e.width(), a.width());
            assertEquals(e.height(), a.height());
        }
    }

    @Test
    void cachedFramesGiveTheModelExactlyTheInputAFreshDecodeGives() throws Exception {
        List<Path> files = photos();
        Path dir = tmp.resolve("cache");
        try (Analyzer a = detector()) {
            EvalRun.Result fresh = EvalRun.run(a, files, 0.01f, 1, 1, null, null, null);
            assertEquals(new EvalRun.Sources(files.size(), 0, 0), fresh.sources());
            assertTrue(fresh.outputs().stream().mapToInt(EvalRun.Output::count).sum() > 10, "the detector finds things");

            try (FrameCache memory = new FrameCache(64 << 20, null, 0)) {
                EvalRun.Result r = EvalRun.run(a, files, 0.01f, 3, 1, null, null, memory);
                assertEquals(new EvalRun.Sources(files.size(), 2 * files.size(), 0), r.sources(), "decoded once, then from memory");
                assertSamePredictions(fresh, r);
                assertTrue(r.laterPassesFps() > 0 && r.firstPassFrames() == files.size(), r.toString());
            }
            try (FrameCache disk = new FrameCache(64 << 20, dir, 512 << 20)) {
                assertSamePredictions(fresh, EvalRun.run(a, files, 0.01f, 1, 1, null, null, disk));
            }
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(files.size(), s.filter(p -> p.toString().endsWith("-300x300.bgr")).count());
            }
            try (FrameCache disk = new FrameCache(0, dir, 512 << 20)) { // a later run: nothing in memory, everything on disk
                EvalRun.Result r = EvalRun.run(a, files, 0.01f, 2, 1, null, null, disk);
                assertEquals(new EvalRun.Sources(0, 0, 2 * files.size()), r.sources());
                assertSamePredictions(fresh, r);
            }
        }
    }

    @Test
    void theDiskCacheStaysWithinItsCapAndACorruptFileIsDecodedAnew() throws Exception {
        List<Path> files = photos();
        Path dir = tmp.resolve("cache");
        long one = 8 + 300 * 300 * 3;
        try (Analyzer a = detector(); FrameCache disk = new FrameCache(0, dir, 4 * one)) {
            EvalRun.Result fresh = EvalRun.run(a, files, 0.01f, 1, 0, null, null, null);
            EvalRun.run(a, files, 0.01f, 1, 0, null, null, disk);
            long bytes;
            try (Stream<Path> s = Files.list(dir)) {
                bytes = s.mapToLong(p -> p.toFile().length()).sum();
            }
            assertTrue(bytes <= 4 * one, bytes + " bytes in the cache");
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) Files.write(p, new byte[] {1, 2, 3}); // truncated by a crash, say
            }
            EvalRun.Result r = EvalRun.run(a, files, 0.01f, 1, 0, null, null, disk);
            assertEquals(files.size(), r.sources().decoded());
            assertSamePredictions(fresh, r);
        }
    }
}
