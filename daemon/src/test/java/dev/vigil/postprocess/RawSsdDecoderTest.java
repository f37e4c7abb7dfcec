package dev.vigil.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import dev.vigil.testing.FakeEngine;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Non-max suppression and decoding on synthetic outputs. The spec gives a 2 x 2 grid of one 0.2-sized anchor per
 * cell, so anchor a sits at ((a / 2 + 0.5) / 2, (a % 2 + 0.5) / 2); encodings move boxes anywhere.
 */
class RawSsdDecoderTest {

    private static final int ANCHORS = 4;
    private static final int CLASSES = 3; // 0 background, 1 and 2 real

    private static SsdSpec spec(float iou, int maxDetections, boolean sigmoid) {
        return new SsdSpec(1, 0.2f, 0.2f, 4, List.of(2), List.of(1f), false, 0f, List.of(10f, 10f, 5f, 5f),
                sigmoid, 0, iou, 0.3f, maxDetections);
    }

    @Test
    void iouOfSyntheticBoxes() {
        float[] b = {0, 0, 1, 1, 0, 0, 1, 1, 0, 0.5f, 1, 1.5f, 2, 2, 3, 3, 0, 0, 0, 1};
        assertEquals(1f, RawSsdDecoder.iou(b, 0, b, 4), 1e-6f);
        assertEquals(1f / 3f, RawSsdDecoder.iou(b, 0, b, 8), 1e-6f);
        assertEquals(0f, RawSsdDecoder.iou(b, 0, b, 12));
        assertEquals(0f, RawSsdDecoder.iou(b, 0, b, 16), "an empty box overlaps nothing");
    }

    @Test
    void overlappingBoxesOfOneClassKeepOnlyTheBest() {
        Fake f = new Fake();
        f.box(0, 0.5f, 0.5f, 0.4f, 0.4f).score(0, 1, 0.9f);
        f.box(1, 0.5f, 0.52f, 0.4f, 0.4f).score(1, 1, 0.8f); // IoU ~0.9 with anchor 0: suppressed
        f.box(2, 0.2f, 0.2f, 0.2f, 0.2f).score(2, 1, 0.7f);  // apart: kept
        Detections out = decode(spec(0.4f, 10, true), f, 0.3f);
        assertEquals(2, out.count());
        assertDetection(out, 0, 1, 0.9f, 0.3f, 0.3f, 0.7f, 0.7f);
        assertDetection(out, 1, 1, 0.7f, 0.1f, 0.1f, 0.3f, 0.3f);
    }

    @Test
    void suppressionIsPerClass() {
        Fake f = new Fake();
        f.box(0, 0.5f, 0.5f, 0.4f, 0.4f).score(0, 1, 0.9f);
        f.box(1, 0.5f, 0.5f, 0.4f, 0.4f).score(1, 2, 0.8f);
        Detections out = decode(spec(0.4f, 10, true), f, 0.3f);
        assertEquals(2, out.count());
        assertEquals(1, out.classIndex(0));
        assertEquals(2, out.classIndex(1));
    }

    @Test
    void anOverlapAtTheThresholdIsKept() {
        Fake f = new Fake();
        // boxes 0.4 wide side by side, shifted by 0.2: IoU = 0.08 / 0.24 = 1/3
        f.box(0, 0.5f, 0.4f, 0.4f, 0.4f).score(0, 1, 0.9f);
        f.box(1, 0.5f, 0.6f, 0.4f, 0.4f).score(1, 1, 0.8f);
        assertEquals(2, decode(spec(0.34f, 10, true), f, 0.3f).count());
        assertEquals(1, decode(spec(0.33f, 10, true), f, 0.3f).count());
    }

    @Test
    void backgroundIsNotReportedAndTheCallersThresholdIsTheOneUsedBelowOrAboveTheSpecs() {
        Fake f = new Fake();
        f.box(0, 0.25f, 0.25f, 0.2f, 0.2f).score(0, 0, 0.99f).score(0, 1, 0.5f);
        f.box(3, 0.75f, 0.75f, 0.2f, 0.2f).score(3, 2, 0.29f);
        // spec min_score 0.3: a lower threshold is honoured, never raised to it
        Detections low = decode(spec(0.5f, 10, true), f, 0.2f);
        assertEquals(2, low.count());
        assertDetection(low, 0, 1, 0.5f, 0.15f, 0.15f, 0.35f, 0.35f);
        assertEquals(0.29f, low.score(1), 1e-5f);
        assertEquals(1, decode(spec(0.5f, 10, true), f, 0.3f).count());
        assertEquals(0, decode(spec(0.5f, 10, true), f, 0.6f).count());
    }

    @Test
    void keepsTheBestMaxDetectionsOverAllClassesBestFirst() {
        Fake f = new Fake();
        f.box(0, 0.25f, 0.25f, 0.2f, 0.2f).score(0, 1, 0.6f);
        f.box(1, 0.25f, 0.75f, 0.2f, 0.2f).score(1, 2, 0.95f);
        f.box(2, 0.75f, 0.25f, 0.2f, 0.2f).score(2, 1, 0.7f);
        f.box(3, 0.75f, 0.75f, 0.2f, 0.2f).score(3, 2, 0.5f);
        Detections out = decode(spec(0.5f, 3, true), f, 0.3f);
        assertEquals(3, out.count());
        assertEquals(0.95f, out.score(0), 1e-5f);
        assertEquals(0.7f, out.score(1), 1e-5f);
        assertEquals(0.6f, out.score(2), 1e-5f);
        assertEquals(2, out.classIndex(0));
    }

    @Test
    void aSmallOutputBufferTakesTheBest() {
        Fake f = new Fake();
        f.box(0, 0.25f, 0.25f, 0.2f, 0.2f).score(0, 1, 0.6f);
        f.box(1, 0.25f, 0.75f, 0.2f, 0.2f).score(1, 2, 0.95f);
        Detections out = new Detections(1);
        FakeEngine e = f.engine();
        new RawSsdDecoder(spec(0.5f, 10, true), e.outputs()).decode(e, out, 0.3f);
        assertEquals(1, out.count());
        assertEquals(0.95f, out.score(0), 1e-5f);
    }

    @Test
    void probabilitiesWithoutSigmoid() {
        Fake f = new Fake().probabilities();
        f.box(0, 0.25f, 0.25f, 0.2f, 0.2f).score(0, 1, 0.6f);
        Detections out = decode(spec(0.5f, 10, false), f, 0.3f);
        assertEquals(1, out.count());
        assertEquals(0.6f, out.score(0), 1e-6f);
    }

    @Test
    void quantizedOutputsAreDequantized() {
        Fake f = new Fake();
        f.box(0, 0.5f, 0.5f, 0.4f, 0.4f).score(0, 1, 0.9f);
        f.box(2, 0.2f, 0.2f, 0.2f, 0.2f).score(2, 2, 0.7f);
        Detections out = decode(spec(0.5f, 10, true), f.quantizedEngine(), 0.3f);
        assertEquals(2, out.count());
        // 8 bits over the encodings' and logits' ranges: a few hundredths
        assertEquals(0.9f, out.score(0), 0.02f);
        assertEquals(0.3f, out.xmin(0), 0.02f);
        assertEquals(0.7f, out.ymax(0), 0.02f);
        assertEquals(2, out.classIndex(1));
        assertEquals(0.1f, out.xmin(1), 0.02f);
    }

    @Test
    void tensorsAreFoundByShapeWhateverTheirOrder() {
        Fake f = new Fake().scoresFirst();
        f.box(1, 0.25f, 0.75f, 0.2f, 0.2f).score(1, 2, 0.8f);
        Detections out = decode(spec(0.5f, 10, true), f, 0.3f);
        assertEquals(1, out.count());
        assertDetection(out, 0, 2, 0.8f, 0.65f, 0.15f, 0.85f, 0.35f);
    }

    @Test
    void aSpecThatDoesNotMatchTheModelIsRejectedByName() {
        List<TensorSpec> outputs = new Fake().engine().outputs();
        SsdSpec twoAnchorsPerCell = new SsdSpec(1, 0.2f, 0.2f, 4, List.of(2), List.of(1f, 2f), false, 0f,
                List.of(10f, 10f, 5f, 5f), true, 0, 0.5f, 0.3f, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RawSsdDecoder(twoAnchorsPerCell, outputs));
        assertTrue(e.getMessage().startsWith("decoding spec gives 8 anchors but the model's box tensor"), e.getMessage());
        List<TensorSpec> postprocessed = List.of(
                new TensorSpec("boxes", TensorType.FLOAT32, new int[] {1, 10, 4}, 0, 0),
                new TensorSpec("classes", TensorType.FLOAT32, new int[] {1, 10}, 0, 0),
                new TensorSpec("scores", TensorType.FLOAT32, new int[] {1, 10}, 0, 0),
                new TensorSpec("count", TensorType.FLOAT32, new int[] {1}, 0, 0));
        e = assertThrows(IllegalArgumentException.class, () -> new RawSsdDecoder(spec(0.5f, 10, true), postprocessed));
        assertTrue(e.getMessage().contains("TFLite_Detection_PostProcess"), e.getMessage());
    }

    @Test
    void decodingTwiceGivesTheSameResult() {
        Fake f = new Fake();
        f.box(0, 0.5f, 0.5f, 0.4f, 0.4f).score(0, 1, 0.9f);
        f.box(1, 0.5f, 0.52f, 0.4f, 0.4f).score(1, 1, 0.8f);
        FakeEngine e = f.engine();
        RawSsdDecoder d = new RawSsdDecoder(spec(0.4f, 10, true), e.outputs());
        Detections a = new Detections(10);
        d.decode(e, a, 0.3f);
        f.box(0, 0.2f, 0.2f, 0.2f, 0.2f).fill(e); // the box moves: the cache of decoded boxes must not keep the old one
        d.decode(e, a, 0.3f);
        assertEquals(2, a.count());
        assertEquals(0.1f, a.xmin(0), 1e-5f);
    }

    private static Detections decode(SsdSpec spec, Fake f, float minScore) {
        return decode(spec, f.engine(), minScore);
    }

    private static Detections decode(SsdSpec spec, FakeEngine e, float minScore) {
        Detections out = new Detections(10);
        new RawSsdDecoder(spec, e.outputs()).decode(e, out, minScore);
        return out;
    }

    private static void assertDetection(Detections d, int i, int cls, float score, float xmin, float ymin, float xmax, float ymax) {
        assertEquals(cls, d.classIndex(i), "class of " + i);
        assertEquals(score, d.score(i), 1e-5f, "score of " + i);
        assertEquals(xmin, d.xmin(i), 1e-5f, "xmin of " + i);
        assertEquals(ymin, d.ymin(i), 1e-5f, "ymin of " + i);
        assertEquals(xmax, d.xmax(i), 1e-5f, "xmax of " + i);
        assertEquals(ymax, d.ymax(i), 1e-5f, "ymax of " + i);
    }

    /** Outputs of a raw SSD over the 2 x 2 anchors, put in a {@link FakeEngine}; scores start far below any threshold. */
    private static final class Fake {
        final float[] encodings = new float[ANCHORS * 4];
        final float[] scores = new float[ANCHORS * CLASSES];
        boolean logits = true;
        boolean scoresFirst;

        Fake() {
            Arrays.fill(scores, -20f);
        }

        Fake probabilities() {
            logits = false;
            Arrays.fill(scores, 0f);
            return this;
        }

        Fake scoresFirst() {
            scoresFirst = true;
            return this;
        }

        /** Encodes a box (centre, size) against anchor a with scales 10, 10, 5, 5. */
        Fake box(int a, float yc, float xc, float h, float w) {
            float ay = (a / 2 + 0.5f) / 2, ax = (a % 2 + 0.5f) / 2, size = 0.2f;
            encodings[a * 4] = (yc - ay) / size * 10;
            encodings[a * 4 + 1] = (xc - ax) / size * 10;
            encodings[a * 4 + 2] = (float) Math.log(h / size) * 5;
            encodings[a * 4 + 3] = (float) Math.log(w / size) * 5;
            return this;
        }

        Fake score(int a, int c, float p) {
            scores[a * CLASSES + c] = logits ? (float) Math.log(p / (1 - p)) : p;
            return this;
        }

        FakeEngine engine() {
            TensorSpec b = new TensorSpec("box_encodings", TensorType.FLOAT32, new int[] {1, ANCHORS, 4}, 0, 0);
            TensorSpec s = new TensorSpec("class_predictions", TensorType.FLOAT32, new int[] {1, ANCHORS, CLASSES}, 0, 0);
            FakeEngine e = new FakeEngine(List.of(), scoresFirst ? List.of(s, b) : List.of(b, s));
            fill(e);
            return e;
        }

        /** Writes the current values into an engine made by {@link #engine()}. */
        void fill(FakeEngine e) {
            ByteBuffer b = e.output(scoresFirst ? 1 : 0), s = e.output(scoresFirst ? 0 : 1);
            for (int i = 0; i < encodings.length; i++) b.putFloat(i * 4, encodings[i]);
            for (int i = 0; i < scores.length; i++) s.putFloat(i * 4, scores[i]);
        }

        /** The same outputs as uint8 with per-tensor scale and zero point. */
        FakeEngine quantizedEngine() {
            float boxScale = range(encodings) / 255f, scoreScale = range(scores) / 255f;
            int boxZero = Math.round(-min(encodings) / boxScale), scoreZero = Math.round(-min(scores) / scoreScale);
            TensorSpec b = new TensorSpec("box_encodings", TensorType.UINT8, new int[] {1, ANCHORS, 4}, boxScale, boxZero);
            TensorSpec s = new TensorSpec("class_predictions", TensorType.UINT8, new int[] {1, ANCHORS, CLASSES}, scoreScale, scoreZero);
            FakeEngine e = new FakeEngine(List.of(), List.of(b, s));
            quantize(encodings, boxScale, boxZero, e.output(0));
            quantize(scores, scoreScale, scoreZero, e.output(1));
            return e;
        }

        private static float min(float[] v) { float m = Float.MAX_VALUE; for (float x : v) m = Math.min(m, x); return m; }

        private static float range(float[] v) { float m = -Float.MAX_VALUE; for (float x : v) m = Math.max(m, x); return m - min(v); }

        private static void quantize(float[] v, float scale, int zero, ByteBuffer out) {
            for (int i = 0; i < v.length; i++) out.put(i, (byte) Math.max(0, Math.min(255, Math.round(v[i] / scale) + zero)));
        }
    }
}
