package dev.vigil.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inference.EngineOptions;
import dev.vigil.learn.Washers.Part;
import dev.vigil.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The measure on generated factory parts, through the real extractor: imprinting with 20 labelled washers
 * per class tells OK from notched at 95% on 200 washers never seen; with a third class (scratched) added, the head
 * vigil learn keeps still gets the first two right at 95%. Prints both heads' accuracies and the time to learn from
 * 100 samples.
 */
class ImprintingWashersTest {

    static final String EXTRACTOR = "mobilenet_v1_1.0_224_quant_embedding_extractor.tflite";

    @Test
    void twentyPartsPerClassTeachNotchedFromOkAndAScratchClassAddsWithoutLoss() {
        Random rnd = new Random(13);
        try (Embedder embedder = new Embedder(TestData.model(EXTRACTOR), null, "tflite", EngineOptions.cpu(2))) {
            List<Example> train = examples(embedder, rnd, 20, false, Part.OK, Part.NOTCH);
            List<Example> unseen = examples(embedder, rnd, 100, true, Part.OK, Part.NOTCH);
            List<String> two = List.of("notch", "ok");
            Head imprinted = Imprinting.fit(train, two), softmax = SoftmaxRegression.fit(train, two);
            double ai = Learner.accuracy(imprinted, unseen), as = Learner.accuracy(softmax, unseen);
            System.out.printf(Locale.ROOT, "washers, 2 classes, 20 each, 200 unseen: imprinting %.1f%% (scale %.0f, power %.1f), softmax %.1f%%%n",
                    100 * ai, imprinted.scale(), imprinted.power(), 100 * as);
            assertTrue(ai >= 0.95, "imprinting on 200 unseen washers: " + ai);

            List<Example> scratchTrain = examples(embedder, rnd, 20, false, Part.SCRATCH);
            List<Example> scratchUnseen = examples(embedder, rnd, 100, true, Part.SCRATCH);
            List<Example> all = new ArrayList<>(train);
            all.addAll(scratchTrain);
            List<String> three = List.of("notch", "ok", "scratch");
            Head i3 = Imprinting.fit(all, three), s3 = SoftmaxRegression.fit(all, three);
            double first = Learner.accuracy(i3, unseen), scratch = Learner.accuracy(i3, scratchUnseen), firstSoftmax = Learner.accuracy(s3, unseen);
            System.out.printf(Locale.ROOT, "with scratch added: imprinting (power %.1f) %.1f%% on the first two, %.1f%% on 100 scratched; softmax %.1f%% and %.1f%%%n",
                    i3.power(), 100 * first, 100 * scratch, 100 * firstSoftmax, 100 * Learner.accuracy(s3, scratchUnseen));
            List<Example> every = new ArrayList<>(unseen);
            every.addAll(scratchUnseen);
            System.out.println("confusion (notch, ok, scratch): " + java.util.Arrays.deepToString(Learner.confusion(i3, every)));
            // Imprinting alone gives 93.5% here with the power transform (91.5% without): notched parts taken for
            // scratched, both dark marks on the ring; the head vigil learn keeps, the better of the two, holds 95%.
            assertTrue(Math.max(first, firstSoftmax) >= 0.95, "the better head with a third class, on the 200 unseen of the first two: "
                    + first + " (imprinting), " + firstSoftmax + " (softmax)");
            assertTrue(first >= 0.90, "imprinting with a third class, on the 200 unseen of the first two: " + first);

            // The region of interest a QC camera sets (where the parts pass: centres vary by 30 px and 20 px, the ring is up
            // to 86 px wide) puts the part into the extractor's 224 px at full resolution: imprinting alone then keeps
            // the first two classes above 95% with the third added.
            Roi roi = Roi.parse("0.125,0.04,0.75,0.92");
            try (Embedder inRoi = new Embedder(TestData.model(EXTRACTOR), roi, "tflite", EngineOptions.cpu(2))) {
                Random again = new Random(13);
                List<Example> rTrain = examples(inRoi, again, 20, false, Part.OK, Part.NOTCH);
                List<Example> rUnseen = examples(inRoi, again, 100, true, Part.OK, Part.NOTCH);
                List<Example> rAll = new ArrayList<>(rTrain);
                rAll.addAll(examples(inRoi, again, 20, false, Part.SCRATCH));
                List<Example> rScratch = examples(inRoi, again, 100, true, Part.SCRATCH);
                Head r2 = Imprinting.fit(rTrain, two), r3 = Imprinting.fit(rAll, three);
                double rTwo = Learner.accuracy(r2, rUnseen), rFirst = Learner.accuracy(r3, rUnseen);
                System.out.printf(Locale.ROOT, "with roi %s: imprinting %.1f%% (2 classes); with scratch added %.1f%% on the first two, %.1f%% on 100 scratched; softmax %.1f%%%n",
                        roi, 100 * rTwo, 100 * rFirst, 100 * Learner.accuracy(r3, rScratch), 100 * Learner.accuracy(SoftmaxRegression.fit(rAll, three), rUnseen));
                assertTrue(rTwo >= 0.95, "imprinting in the roi, 2 classes: " + rTwo);
                assertTrue(rFirst >= 0.95, "imprinting in the roi with a third class, on the 200 unseen of the first two: " + rFirst);
            }

            // Learning from 100 samples: 100 embeddings, then both heads.
            long t0 = System.nanoTime();
            List<Example> hundred = examples(embedder, rnd, 50, false, Part.OK, Part.NOTCH);
            long t1 = System.nanoTime();
            Imprinting.fit(hundred, two);
            long t2 = System.nanoTime();
            SoftmaxRegression.fit(hundred, two);
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "100 samples: embeddings %.2f s (incl. drawing), imprinting %.1f ms, softmax %.1f ms%n",
                    (t1 - t0) / 1e9, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
        }
    }

    static List<Example> examples(Embedder embedder, Random rnd, int n, boolean validation, Part... parts) {
        List<Example> out = new ArrayList<>();
        for (Part p : parts) {
            for (int i = 0; i < n; i++) {
                try (Mat m = Washers.photo(p, rnd)) {
                    out.add(new Example(p.label() + i, p.label(), validation, embedder.embed(m)));
                }
                System.gc();
            }
        }
        return out;
    }
}
