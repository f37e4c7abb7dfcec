package dev.vigil.postprocess;

import dev.vigil.inference.InferenceEngine;
import dev.vigil.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Decodes models that end in TFLite's {@code TFLite_Detection_PostProcess} op: boxes [1,N,4] as
 * (ymin, xmin, ymax, xmax), classes [1,N], scores [1,N], count [1]. Tensors are found by shape and name, so both
 * the TF1 order (boxes, classes, scores, count) and the TF2 export order (scores, boxes, count, classes) work.
 */
public final class PostprocessOpDecoder implements DetectionDecoder {

    private final int boxes, classes, scores, count;

    public PostprocessOpDecoder(List<TensorSpec> outputs) {
        if (outputs.size() != 4) throw new IllegalArgumentException("a TFLite_Detection_PostProcess model has 4 outputs, this one " + outputs.size());
        int b = -1, c = -1;
        int[] pair = new int[2];
        int pairs = 0;
        for (int i = 0; i < 4; i++) {
            TensorSpec t = outputs.get(i);
            if (t.rank() == 3 && t.dim(-1) == 4) b = i;
            else if (t.elements() == 1) c = i;
            else if (pairs < 2) pair[pairs++] = i;
        }
        if (b < 0 || c < 0 || pairs != 2) throw new IllegalArgumentException("outputs " + outputs + " are not boxes, classes, scores, count");
        boxes = b;
        count = c;
        // TF1 models name them ...:1 (classes) and ...:2 (scores); TF2 exports put scores first.
        String n0 = outputs.get(pair[0]).name(), n1 = outputs.get(pair[1]).name();
        boolean swapped = n0.endsWith(":2") && n1.endsWith(":1") || (pair[0] == 0 && b == 1);
        classes = swapped ? pair[1] : pair[0];
        scores = swapped ? pair[0] : pair[1];
    }

    public static boolean matches(List<TensorSpec> outputs) {
        if (outputs.size() != 4) return false;
        return outputs.stream().anyMatch(t -> t.rank() == 3 && t.dim(-1) == 4)
                && outputs.stream().anyMatch(t -> t.elements() == 1);
    }

    @Override
    public void decode(InferenceEngine engine, Detections out, float minScore) {
        out.clear();
        List<TensorSpec> specs = engine.outputs();
        ByteBuffer bb = engine.output(boxes), cb = engine.output(classes), sb = engine.output(scores), nb = engine.output(count);
        TensorSpec bs = specs.get(boxes), cs = specs.get(classes), ss = specs.get(scores), ns = specs.get(count);
        int n = Math.min((int) TensorReader.get(ns, nb, 0), ss.elements());
        for (int i = 0; i < n; i++) {
            float s = TensorReader.get(ss, sb, i);
            if (s < minScore) continue;
            int cls = Math.round(TensorReader.get(cs, cb, i));
            float ymin = TensorReader.get(bs, bb, i * 4), xmin = TensorReader.get(bs, bb, i * 4 + 1);
            float ymax = TensorReader.get(bs, bb, i * 4 + 2), xmax = TensorReader.get(bs, bb, i * 4 + 3);
            if (!out.add(cls, s, xmin, ymin, xmax, ymax)) break;
        }
        out.sortByScore();
    }
}
