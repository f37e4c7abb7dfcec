package dev.vigil.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.inference.TensorSpec;
import dev.vigil.inference.TensorType;
import dev.vigil.testing.FakeEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodersTest {

    @Test
    void topKDequantizesAndSorts() {
        TensorSpec out = new TensorSpec("probs", TensorType.UINT8, new int[] {1, 6}, 1f / 256, 0);
        FakeEngine e = new FakeEngine(List.of(), List.of(out));
        byte[] q = {10, (byte) 200, 30, (byte) 250, 0, 30};
        for (int i = 0; i < q.length; i++) e.output(0).put(i, q[i]);
        TopK t = new TopK(3);
        t.decode(e, 0, 0f);
        assertEquals(3, t.count());
        assertEquals(3, t.index(0));
        assertEquals(250 / 256f, t.score(0), 1e-6);
        assertEquals(1, t.index(1));
        assertEquals(30 / 256f, t.score(2), 1e-6);
        t.decode(e, 0, 0.5f);
        assertEquals(2, t.count());
    }

    @Test
    void postprocessOpOutputsInTf1Order() {
        List<TensorSpec> outs = List.of(
                new TensorSpec("TFLite_Detection_PostProcess", TensorType.FLOAT32, new int[] {1, 3, 4}, 0f, 0),
                new TensorSpec("TFLite_Detection_PostProcess:1", TensorType.FLOAT32, new int[] {1, 3}, 0f, 0),
                new TensorSpec("TFLite_Detection_PostProcess:2", TensorType.FLOAT32, new int[] {1, 3}, 0f, 0),
                new TensorSpec("TFLite_Detection_PostProcess:3", TensorType.FLOAT32, new int[] {1}, 0f, 0));
        FakeEngine e = new FakeEngine(List.of(), outs);
        float[] boxes = {0.1f, 0.2f, 0.5f, 0.6f, 0, 0, 1, 1, 0, 0, 0, 0};
        for (int i = 0; i < boxes.length; i++) e.output(0).putFloat(i * 4, boxes[i]);
        e.output(1).putFloat(0, 16f).putFloat(4, 0f);
        e.output(2).putFloat(0, 0.4f).putFloat(4, 0.9f).putFloat(8, 0.99f);
        e.output(3).putFloat(0, 2f); // the third slot is beyond count and must be ignored
        Detections d = new Detections(10);
        new PostprocessOpDecoder(outs).decode(e, d, 0.3f);
        assertEquals(2, d.count());
        assertEquals(0, d.classIndex(0));
        assertEquals(0.9f, d.score(0), 1e-6);
        assertEquals(16, d.classIndex(1));
        assertEquals(0.2f, d.xmin(1), 1e-6); // (ymin, xmin, ymax, xmax) -> (xmin, ymin, xmax, ymax)
        assertEquals(0.1f, d.ymin(1), 1e-6);
        assertEquals(0.6f, d.xmax(1), 1e-6);
        assertEquals(0.5f, d.ymax(1), 1e-6);
        new PostprocessOpDecoder(outs).decode(e, d, 0.5f);
        assertEquals(1, d.count());
    }
}
