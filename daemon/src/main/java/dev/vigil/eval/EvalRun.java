package dev.vigil.eval;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.capture.ImageHeader;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.PreparedInput;
import dev.vigil.postprocess.Detections;
import dev.vigil.postprocess.TopK;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs one model over a dataset's images, the daemon's way: a second thread reads, decodes and preprocesses the next
 * images into {@link PreparedInput}s while this thread runs inference, so decoding from disk does not slow the model
 * down ({@code vigil eval --vs-bench} compares the rate with {@code vigil bench}'s). Unlike the daemon's two slots
 * the decoder may run {@link #PREFETCH} images ahead: a dataset mixes small BMPs with large JPEGs that take longer
 * to decode than one inference, and with only one image ahead every large one would stall the model.
 */
public final class EvalRun {

    /** Images decoded and preprocessed ahead of the model (each a model input, 270 KB for 300x300 RGB). */
    static final int PREFETCH = 8;

    /** One output of the model on one image: top classes, or detections with boxes normalized to the image. */
    public record Output(int[] classes, float[] scores, float[] boxes, int width, int height) {
        public int count() { return classes.length; }
    }

    /**
     * @param outputs      per image of the dataset, in its order; null for an image that could not be read
     * @param errors       one line per image that could not be read
     * @param invokeNanos  every timed inference, sorted
     * @param seconds      wall time of the timed passes
     * @param frames       images inferred in the timed passes
     * @param decodeMillis mean time to read and decode an image (or take it from the cache), on the second thread
     * @param firstPassSeconds wall time of the first timed pass (all of {@code seconds} with one pass)
     * @param sources      how the images were had: decoded, from the cache in memory, from the cache on disk
     */
    public record Result(List<Output> outputs, List<String> errors, long[] invokeNanos, double seconds, int frames,
                         double decodeMillis, double preprocessMillis, Energy energy, double firstPassSeconds, int firstPassFrames,
                         Sources sources) {

        public double fps() { return frames / seconds; }

        /** Images per second of the first pass: cold, unless the cache held them already (another model, a disk cache). */
        public double firstPassFps() { return firstPassFrames / firstPassSeconds; }

        /** Images per second of the passes after the first (NaN with one pass): the frames from the cache as far as it held them. */
        public double laterPassesFps() {
            return frames > firstPassFrames ? (frames - firstPassFrames) / (seconds - firstPassSeconds) : Double.NaN;
        }

        public double medianMillis() { return percentile(0.5); }

        public double p99Millis() { return percentile(0.99); }

        private double percentile(double q) {
            if (invokeNanos.length == 0) return Double.NaN;
            return invokeNanos[Math.min(invokeNanos.length - 1, (int) Math.ceil(invokeNanos.length * q) - 1)] / 1e6;
        }
    }

    /** Energy over the timed passes: joules per inference, and where the figure comes from (a sensor, or the estimate). */
    public record Energy(String source, double joulesPerInference) {}

    private record Ready(int image, int slot, int width, int height, long decodeNanos, String error) {}

    /** Images decoded from their files, taken from the cache in memory, and from the cache on disk. */
    public record Sources(int decoded, int memory, int disk) {}

    private EvalRun() {}

    /**
     * @param passes   times the whole dataset is run; outputs come from the first, timing from all (a small dataset
     *                 gives few samples in one pass)
     * @param warmup   inferences on the first image before timing
     * @param power    sampled during the timed passes; null when there is no sensor nor estimate
     * @param progress told the number of images done now and then
     * @param cache    images already scaled to the input, or null to decode every image every time (also when the
     *                 model letterboxes: the cache keeps stretched images)
     */
    public static Result run(Analyzer a, List<Path> files, float minScore, int passes, int warmup, EnergyMeter power,
                             Consumer<Integer> progress, FrameCache cache) {
        // The cache keeps whole frames scaled to the input: a model that letterboxes, or looks at a region of the
        // frame (a learned model's roi), needs the photo itself.
        FrameCache frames = a.resize() == dev.vigil.preprocess.ImagePreprocessor.Resize.STRETCH
                && dev.vigil.learn.LearnedModels.roi(a.engine()).isEmpty() ? cache : null;
        var in = a.engine().inputs().getFirst();
        int inW = in.dim(2), inH = in.dim(1);
        int n = files.size(), total = n * passes;
        PreparedInput[] slots = new PreparedInput[PREFETCH];
        BlockingQueue<Integer> free = new ArrayBlockingQueue<>(PREFETCH);
        BlockingQueue<Ready> ready = new ArrayBlockingQueue<>(PREFETCH);
        for (int i = 0; i < PREFETCH; i++) {
            slots[i] = a.newInput();
            free.add(i);
        }
        long[] decodeTotal = new long[2]; // [decode, preprocess], written by the producer, read after join
        int[] sources = new int[FrameCache.Source.values().length]; // likewise
        Thread producer = Thread.ofPlatform().name("eval-decode").daemon().start(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    int slot = free.take();
                    Path f = files.get(i % n);
                    long t0 = System.nanoTime();
                    Mat bgr = null;
                    boolean kept = false;
                    int w = 0, h = 0; // the photo's size: boxes are normalized to it, and a cached frame is already the input's
                    String error = null;
                    try {
                        if (frames != null) {
                            FrameCache.Frame fr = frames.get(f, inW, inH);
                            bgr = fr.bgr();
                            kept = fr.kept();
                            w = fr.width();
                            h = fr.height();
                            sources[fr.source().ordinal()]++;
                        } else {
                            ImageHeader.check(f, ImageHeader.DEFAULT_MAX_PIXELS);
                            bgr = imread(f.toString(), IMREAD_COLOR);
                            if (bgr == null || bgr.empty()) error = f + ": cannot decode image (not an image file, or corrupt)";
                            else {
                                w = bgr.cols();
                                h = bgr.rows();
                                sources[FrameCache.Source.DECODED.ordinal()]++;
                            }
                        }
                    } catch (Exception e) {
                        error = CocoJson.firstLine(e.getMessage());
                        if (!error.startsWith(f.toString())) error = f + ": " + error;
                    }
                    long t1 = System.nanoTime();
                    if (error == null) {
                        slots[slot].prepare(bgr, t0);
                        decodeTotal[1] += slots[slot].preprocessNanos();
                    }
                    if (bgr != null && !kept) bgr.close();
                    decodeTotal[0] += t1 - t0;
                    ready.put(new Ready(i, slot, w, h, t1 - t0, error));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Output> outputs = new ArrayList<>(java.util.Collections.nCopies(n, (Output) null));
        List<String> errors = new ArrayList<>();
        long[] invoke = new long[total];
        int timed = 0, firstTimed = 0;
        try {
            long start = 0, firstEnd = 0;
            for (int i = 0; i < total; i++) {
                if (i == n) {
                    firstEnd = System.nanoTime();
                    firstTimed = timed;
                }
                Ready r = ready.take();
                if (i == 0) {
                    if (r.error() == null) for (int w = 0; w < warmup; w++) a.run(slots[r.slot()], minScore);
                    if (power != null) power.start();
                    start = System.nanoTime();
                }
                if (r.error() != null) {
                    if (i < n) errors.add(r.error());
                } else {
                    a.run(slots[r.slot()], minScore);
                    invoke[timed++] = a.invokeNanos();
                    if (i < n) outputs.set(i, output(a, r.width(), r.height()));
                }
                free.put(r.slot());
                if (progress != null && (i + 1) % 50 == 0) progress.accept(i + 1);
            }
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            if (passes == 1) {
                firstEnd = end;
                firstTimed = timed;
            }
            Energy energy = power == null ? null : power.stop(timed);
            producer.join();
            long[] sorted = Arrays.copyOf(invoke, timed);
            Arrays.sort(sorted);
            return new Result(outputs, List.copyOf(errors), sorted, seconds, timed, decodeTotal[0] / 1e6 / total,
                    decodeTotal[1] / 1e6 / total, energy, (firstEnd - start) / 1e9, firstTimed,
                    new Sources(sources[0], sources[1], sources[2]));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } finally {
            producer.interrupt();
            try {
                producer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (PreparedInput p : slots) p.close();
        }
    }

    private static Output output(Analyzer a, int width, int height) {
        if (a.kind() == Analyzer.Kind.CLASSIFIER) {
            TopK t = a.topK();
            int[] c = new int[t.count()];
            float[] s = new float[t.count()];
            for (int i = 0; i < c.length; i++) {
                c[i] = t.index(i);
                s[i] = t.score(i);
            }
            return new Output(c, s, new float[0], width, height);
        }
        Detections d = a.detections();
        int[] c = new int[d.count()];
        float[] s = new float[d.count()], b = new float[d.count() * 4];
        for (int i = 0; i < c.length; i++) {
            c[i] = d.classIndex(i);
            s[i] = d.score(i);
            b[i * 4] = d.xmin(i);
            b[i * 4 + 1] = d.ymin(i);
            b[i * 4 + 2] = d.xmax(i);
            b[i * 4 + 3] = d.ymax(i);
        }
        return new Output(c, s, b, width, height);
    }
}
