package dev.vigil.postprocess;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.TensorType;
import dev.vigil.inference.TfliteEngine;
import dev.vigil.testing.TestData;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The raw-output oidv4 SSD on the test photos, with the results shared/models/SOURCES.md records. */
class RawSsdGoldenTest {

    private static final Path SHARED = TestData.shared();
    private static final int SIDE = 300;
    private static final float MIN_SCORE = 0.4f;

    private static TfliteEngine engine;
    private static RawSsdDecoder decoder;
    private static Labels labels;

    @BeforeAll
    static void open() {
        engine = TfliteEngine.open(SHARED.resolve("models/ssd_mobilenetv2_oidv4_fp16.tflite"), EngineOptions.cpu(2));
        decoder = RawSsdDecoder.forEngine(SsdSpecTest.oidv4(), engine);
        labels = Labels.read(SHARED.resolve("models/oidv4_labelmap.txt"));
    }

    @AfterAll
    static void close() {
        if (engine != null) engine.close();
    }

    @Test
    void modelHasTheShapesTheSpecDescribes() {
        assertEquals(TensorType.FLOAT32, engine.inputs().getFirst().type());
        assertArrayEquals(new int[] {1, SIDE, SIDE, 3}, engine.inputs().getFirst().shape());
        assertEquals(1917, decoder.anchors().count());
        assertEquals(24, decoder.classes());
        assertEquals(24, labels.size());
    }

    @Test
    void chelseaIsACatAroundTheImageCentre() {
        Detections d = detect("chelsea.png");
        assertTrue(d.count() >= 1);
        assertEquals("Cat", labels.label(d.classIndex(0)));
        assertBand(d.score(0), 0.75f, 0.95f);
        assertTrue(d.xmin(0) < 0.5f && d.xmax(0) > 0.5f && d.ymin(0) < 0.5f && d.ymax(0) > 0.5f, "box covers the centre");
        assertTrue((d.xmax(0) - d.xmin(0)) * (d.ymax(0) - d.ymin(0)) > 0.15f, "the cat fills a good part of the photo");
        for (int i = 1; i < d.count(); i++) assertFalse(labels.label(d.classIndex(i)).equals("Cat"), "one cat after NMS");
    }

    @Test
    void catBmpIsACat() {
        Detections d = detect("cat.bmp");
        assertTrue(d.count() >= 1);
        assertEquals("Cat", labels.label(d.classIndex(0)));
        assertBand(d.score(0), 0.4f, 1f);
    }

    @Test
    void astronautIsAPerson() {
        Detections d = detect("astronaut.png");
        assertTrue(d.count() >= 1);
        assertEquals("Person", labels.label(d.classIndex(0)));
        assertBand(d.score(0), 0.48f, 0.68f);
    }

    @Test
    void graceHopperIsAPerson() {
        Detections d = detect("grace_hopper.bmp");
        assertTrue(d.count() >= 1);
        assertEquals("Person", labels.label(d.classIndex(0)));
    }

    @Test
    void emptyStreetHasNothing() {
        assertEquals(0, detect("empty_street.jpg").count());
    }

    @Test
    void decodingAllocatesNothingAndIsFast() {
        Detections out = new Detections(10);
        detect("chelsea.png");
        for (int i = 0; i < 3000; i++) decoder.decode(engine, out, MIN_SCORE); // warm-up: compile the hot path
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int calls = 1000;
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) decoder.decode(engine, out, MIN_SCORE);
        long nanos = System.nanoTime() - start;
        long bytes = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
        System.out.printf("raw SSD decode: %.1f us per call, %.2f bytes allocated per call (%d calls, %d detections)%n",
                nanos / 1e3 / calls, (double) bytes / calls, calls, out.count());
        assertEquals("Cat", labels.label(out.classIndex(0)));
        assertTrue((double) bytes / calls < 64, bytes + " bytes over " + calls + " calls");
    }

    /** Whole image to 300 x 300 (bilinear, no letterbox), RGB, (p - 127.5) / 127.5 into the float input. */
    private static Detections detect(String image) {
        byte[] rgb = new byte[SIDE * SIDE * 3];
        try (Mat bgr = imread(SHARED.resolve("test-images").resolve(image).toString());
             Mat small = new Mat(); Mat converted = new Mat(); Size size = new Size(SIDE, SIDE)) {
            assertFalse(bgr.empty(), image + " unreadable");
            resize(bgr, small, size, 0, 0, INTER_LINEAR);
            cvtColor(small, converted, COLOR_BGR2RGB);
            assertTrue(converted.isContinuous());
            converted.data().get(rgb);
        }
        ByteBuffer in = engine.input(0);
        for (int i = 0; i < rgb.length; i++) in.putFloat(i * 4, ((rgb[i] & 0xff) - 127.5f) / 127.5f);
        System.gc();
        engine.invoke();
        Detections out = new Detections(10);
        decoder.decode(engine, out, MIN_SCORE);
        StringBuilder s = new StringBuilder(image + ":");
        for (int i = 0; i < out.count(); i++) {
            s.append(String.format(" %s %.2f [%.2f %.2f %.2f %.2f]", labels.label(out.classIndex(i)), out.score(i),
                    out.xmin(i), out.ymin(i), out.xmax(i), out.ymax(i)));
        }
        System.out.println(s);
        return out;
    }

    private static void assertBand(float score, float low, float high) {
        assertTrue(score >= low && score <= high, "score " + score + " outside [" + low + ", " + high + "]");
    }
}
