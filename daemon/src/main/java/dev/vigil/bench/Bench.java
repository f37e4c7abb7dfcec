package dev.vigil.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.sun.management.ThreadMXBean;
import dev.vigil.pipeline.Analyzer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The inference benchmark: images decoded once and scaled to camera-sized frames (640x480), then cycled through
 * preprocess, inference and postprocess. Reports throughput, per-stage means, invoke p99, heap allocation per
 * frame on the measuring thread, and the process RSS.
 */
public final class Bench {

    public static final int FRAME_WIDTH = 640, FRAME_HEIGHT = 480;

    private Bench() {}

    /** Decodes every image of {@code dir} (sorted) into 640x480 BGR frames; unreadable files are skipped. */
    public static List<Mat> frames(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.of(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<Mat> frames = new ArrayList<>();
        try (Size size = new Size(FRAME_WIDTH, FRAME_HEIGHT)) {
            for (Path f : files) {
                try (Mat img = imread(f.toString(), IMREAD_COLOR)) {
                    if (img == null || img.empty()) continue;
                    Mat frame = new Mat();
                    resize(img, frame, size, 0, 0, INTER_AREA);
                    frames.add(frame);
                }
            }
        }
        return frames;
    }

    public static BenchResult run(Analyzer a, List<Mat> frames, int count, int warmup, int threads) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no decodable images");
        for (int i = 0; i < warmup; i++) a.analyze(frames.get(i % frames.size()), 0.5f);
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] invoke = new long[count];
        long pre = 0, post = 0, e2e = 0;
        int n = frames.size();
        long alloc0 = mx.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            a.analyze(frames.get(i % n), 0.5f);
            e2e += System.nanoTime() - t0;
            invoke[i] = a.invokeNanos();
            pre += a.preprocessNanos();
            post += a.postprocessNanos();
        }
        long wall = System.nanoTime() - start;
        long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        long invokeSum = 0;
        for (long v : invoke) invokeSum += v;
        Arrays.sort(invoke);
        long p99 = invoke[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)];
        return new BenchResult(a.model().getFileName().toString(), count, threads, a.engine().delegate(),
                count / (wall / 1e9), e2e / 1e6 / count, pre / 1e6 / count, invokeSum / 1e6 / count, post / 1e6 / count,
                p99 / 1e6, (double) alloc / count, rssMb());
    }

    /** Resident set size of this process from /proc (MB); -1 where /proc is absent. */
    public static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
