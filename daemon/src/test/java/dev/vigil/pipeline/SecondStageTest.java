package dev.vigil.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.SecondStageConfig;
import dev.vigil.inference.ModelLoadException;
import dev.vigil.model.ModelStore;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The second stage on the real detector and the catalog's ImageNet classifier, and its crop geometry. */
class SecondStageTest {

    static final ModelStore STORE = ModelStore.fromEnvironment();
    // ImageNet's dog breeds are classes 151..268; the catalog's label file puts a background line first.
    static final int FIRST_DOG = 152, LAST_DOG = 269;
    static Analyzer detector;

    @BeforeAll
    static void open() {
        detector = Analyzer.open(ModelSpec.of(STORE.resolve("ssd_mobilenet_v1_coco_quant")), Analyzer.Options.defaults(1));
    }

    @AfterAll
    static void close() { detector.close(); }

    static SecondStage stage(Set<String> labels, float margin, int max) {
        return new SecondStage(new SecondStageConfig("mobilenet_v2_quant", labels, margin, max, 0.1f),
                Analyzer.open(ModelSpec.of(STORE.resolve("mobilenet_v2_quant")), Analyzer.Options.defaults(1)));
    }

    static List<Detection> detect(Mat frame) {
        detector.analyze(frame, 0.4f);
        return new ArrayList<>(detector.detections().toList(detector::label));
    }

    @Test
    void theDogOfEachPhotoIsNamedADogBreedAndNothingElseIsClassified() {
        try (SecondStage s = stage(Set.of("dog"), 0.1f, 5)) {
            for (String photo : List.of("dog_bicycle_car.jpg", "dog.bmp")) {
                Mat frame = TestData.read(photo);
                List<Detection> ds = detect(frame);
                List<Detection> before = List.copyOf(ds);
                System.gc(); // the classifier's native peers are held by their owner, not by luck
                s.apply(frame, ds);
                int dogs = 0;
                for (int i = 0; i < ds.size(); i++) {
                    Detection d = ds.get(i);
                    if (!d.label().equals("dog")) {
                        assertSame(before.get(i), d, photo + ": a " + d.label() + " is not classified");
                        continue;
                    }
                    dogs++;
                    assertNotNull(d.sub(), photo + ": the dog got a sub-label");
                    assertTrue(d.sub().index() >= FIRST_DOG && d.sub().index() <= LAST_DOG, photo + ": " + d.sub() + " is a dog breed");
                    assertEquals(before.get(i).score(), d.score(), "the detection is kept as it was");
                }
                assertEquals(1, dogs, photo);
                assertEquals(1, s.crops());
                assertEquals(0, s.tooSmall());
            }
        }
    }

    @Test
    void theDogOfTheStreetPhotoIsAMalamute() {
        try (SecondStage s = stage(Set.of("dog"), 0.1f, 5)) {
            Mat frame = TestData.read("dog_bicycle_car.jpg");
            List<Detection> ds = detect(frame);
            s.apply(frame, ds);
            Detection dog = ds.stream().filter(d -> d.label().equals("dog")).findFirst().orElseThrow();
            assertEquals("malamute, malemute, Alaskan malamute", dog.sub().name());
            assertTrue(dog.sub().score() > 0.8f, dog.sub().toString());
        }
    }

    @Test
    void aBoxAtTheBorderIsEnlargedOnlyUpToTheFrame() {
        int[] r = new int[4];
        assertTrue(SecondStage.crop(new float[] {0f, 0.5f, 0.2f, 1f}, 0.5f, 100, 100, r));
        assertArrayEquals(new int[] {0, 25, 30, 100}, r, "left and bottom clamp, right and top grow by half the size");
        assertTrue(SecondStage.crop(new float[] {0.8f, 0f, 1f, 0.1f}, 0.1f, 640, 480, r));
        assertArrayEquals(new int[] {499, 0, 640, 53}, r);
        assertTrue(SecondStage.crop(new float[] {-0.2f, -0.1f, 1.3f, 1.1f}, 0.2f, 64, 48, r));
        assertArrayEquals(new int[] {0, 0, 64, 48}, r, "a box beyond the frame is the whole frame");
    }

    @Test
    void aDogCutByTheFrameEdgeIsStillClassified() {
        Mat frame = TestData.read("dog_bicycle_car.jpg");
        List<Detection> ds = detect(frame);
        Detection dog = ds.stream().filter(d -> d.label().equals("dog")).findFirst().orElseThrow();
        // The same dog as if it stood at the left edge, with a margin that reaches well past the frame.
        float[] b = dog.box();
        List<Detection> edge = new ArrayList<>(List.of(new Detection("dog", dog.index(), dog.score(), new float[] {0f, b[1], b[2] - b[0], 1f})));
        try (SecondStage s = stage(Set.of("dog"), 0.5f, 5)) {
            s.apply(frame, edge);
            assertEquals(1, s.crops());
            assertNotNull(edge.getFirst().sub());
        }
    }

    @Test
    void aCropOfAFewPixelsIsSkippedAndCounted() {
        Mat frame = TestData.read("dog.bmp"); // 512 x 340
        float tiny = (SecondStage.MIN_CROP_PX - 2) / 512f;
        List<Detection> ds = new ArrayList<>(List.of(
                new Detection("dog", 18, 0.9f, new float[] {0.5f, 0.5f, 0.5f + tiny, 0.6f}),
                new Detection("dog", 18, 0.8f, new float[] {0.2f, 0.3f, 0.8f, 0.99f})));
        int[] r = new int[4];
        assertFalse(SecondStage.crop(ds.getFirst().box(), 0f, 512, 340, r));
        try (SecondStage s = stage(Set.of("dog"), 0f, 5)) {
            s.apply(frame, ds);
            assertEquals(1, s.tooSmall());
            assertEquals(1, s.crops());
            assertNull(ds.get(0).sub(), "the tiny box has no sub-label");
            assertNotNull(ds.get(1).sub());
        }
    }

    @Test
    void atMostMaxPerFrameBoxesAreClassifiedTheHighestScoringFirst() {
        Mat frame = TestData.read("dog.bmp");
        List<Detection> ds = new ArrayList<>();
        for (int i = 0; i < 7; i++) ds.add(new Detection("dog", 18, 0.3f + 0.1f * ((i * 3) % 7), new float[] {0.2f, 0.3f, 0.8f, 0.99f}));
        try (SecondStage s = stage(Set.of("dog"), 0.1f, 5)) {
            s.apply(frame, ds);
            assertEquals(5, s.crops());
            assertEquals(2, s.overLimit());
            for (Detection d : ds) assertEquals(d.score() >= 0.5f, d.sub() != null, "score " + d.score());
        }
    }

    @Test
    void aDetectorAsSecondStageIsRefusedAndClosed() {
        Analyzer det = Analyzer.open(ModelSpec.of(STORE.resolve("ssd_mobilenet_v1_coco_quant")), Analyzer.Options.defaults(1));
        var e = assertThrows(ModelLoadException.class, () -> new SecondStage(new SecondStageConfig("ssd_mobilenet_v1_coco_quant",
                Set.of("dog"), 0.1f, 5, 0.1f), det));
        assertEquals("second_stage.model: ssd_mobilenet_v1_coco_quant is a detector, not a classifier; give a classifier"
                + " (one output of class scores), e.g. mobilenet_v2_quant", e.getMessage());
    }
}
