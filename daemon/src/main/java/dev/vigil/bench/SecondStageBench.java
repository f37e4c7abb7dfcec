package dev.vigil.bench;

import com.sun.management.ThreadMXBean;
import dev.vigil.config.SecondStageConfig;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.postprocess.Detection;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The cost of a second stage: the detector runs on each frame as in the daemon, then {@code crops} boxes of fixed,
 * varied size and place (what a busy yard gives) are cropped and classified. The boxes are fixed so the figure does not
 * depend on what the detector happens to find in the bench's images.
 */
public final class SecondStageBench {

    private SecondStageBench() {}

    /**
     * @param detectorMs      the detector's own time per frame (preprocess, invoke, postprocess), for scale
     * @param frameMs         the second stage's time per frame, all crops
     * @param cropMs          frameMs / crops
     * @param frameP99Ms      the 99th percentile of frameMs
     * @param allocBytesPerFrame Java heap allocated by the second stage per frame (the sub-labelled detections)
     */
    public record Result(String detector, String classifier, int threads, int frames, int crops, double detectorMs, double frameMs,
                         double cropMs, double frameP99Ms, double allocBytesPerFrame) {}

    /** Boxes (xmin, ymin, xmax, ymax) from a tenth to half of the frame's side, spread over it. */
    static final float[][] BOXES = {
            {0.05f, 0.10f, 0.45f, 0.60f}, {0.50f, 0.05f, 0.70f, 0.35f}, {0.60f, 0.40f, 0.95f, 0.95f},
            {0.10f, 0.65f, 0.25f, 0.90f}, {0.30f, 0.40f, 0.40f, 0.55f}, {0.75f, 0.05f, 0.90f, 0.30f},
            {0.00f, 0.00f, 0.20f, 0.20f}, {0.40f, 0.70f, 0.60f, 1.00f}};

    /** Takes ownership of neither analyzer; the second stage's classifier is closed with it, so pass a fresh one. */
    public static Result run(Analyzer detector, Analyzer classifier, List<Mat> frames, int count, int warmup, int crops, int threads) {
        if (crops < 1 || crops > BOXES.length) throw new IllegalArgumentException("crops: " + crops + " must be within 1.." + BOXES.length);
        List<Detection> boxes = new ArrayList<>();
        for (int i = 0; i < crops; i++) boxes.add(new Detection("dog", 18, 0.9f - 0.05f * i, BOXES[i]));
        try (SecondStage s = new SecondStage(new SecondStageConfig(classifier.spec().name(), Set.of("dog"), 0.1f, crops, 0f), classifier)) {
            List<Detection> work = new ArrayList<>(crops);
            for (int i = 0; i < warmup; i++) frame(detector, s, frames.get(i % frames.size()), boxes, work);
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] second = new long[count];
            long det = 0, alloc = 0;
            for (int i = 0; i < count; i++) {
                Mat f = frames.get(i % frames.size());
                long t0 = System.nanoTime();
                detector.analyze(f, 0.5f);
                long t1 = System.nanoTime();
                work.clear();
                work.addAll(boxes);
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t2 = System.nanoTime();
                s.apply(f, work);
                second[i] = System.nanoTime() - t2;
                alloc += mx.getCurrentThreadAllocatedBytes() - a0;
                det += t1 - t0;
                if (s.crops() != crops) throw new IllegalStateException("classified " + s.crops() + " crops of " + crops);
            }
            double frameMs = Arrays.stream(second).average().orElse(0) / 1e6;
            long[] sorted = second.clone();
            Arrays.sort(sorted);
            return new Result(detector.spec().name(), classifier.spec().name(), threads, count, crops, det / 1e6 / count, frameMs,
                    frameMs / crops, sorted[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)] / 1e6, (double) alloc / count);
        }
    }

    private static void frame(Analyzer detector, SecondStage s, Mat f, List<Detection> boxes, List<Detection> work) {
        detector.analyze(f, 0.5f);
        work.clear();
        work.addAll(boxes);
        s.apply(f, work);
    }
}
