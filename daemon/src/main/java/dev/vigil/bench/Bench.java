package dev.vigil.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.sun.management.ThreadMXBean;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.PreparedInput;
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

    /** Decodes every image of {@code dir} (sorted) into 640x480 BGR frames; unreadable or oversized files are skipped. */
    public static List<Mat> frames(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.of(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<Mat> frames = new ArrayList<>();
        try (Size size = new Size(FRAME_WIDTH, FRAME_HEIGHT)) {
            for (Path f : files) {
                // Same guard as the folder source: OpenCV allocates what a header claims, and throws past its limit.
                try {
                    dev.vigil.capture.ImageHeader.check(f, dev.vigil.capture.ImageHeader.DEFAULT_MAX_PIXELS);
                } catch (IOException e) {
                    continue;
                }
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

    /** Everything on this thread, one frame after the other: e2e is then preprocess + invoke + postprocess. */
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
        return result(a, count, threads, wall, invoke, pre, post, e2e, alloc);
    }

    /**
     * The daemon's arrangement: a producer thread preprocesses frame i+1 into one of two {@link PreparedInput}s while
     * this thread runs inference on frame i. e2e is the wall time per frame of the whole loop; latencyMs the mean time
     * from the start of a frame's preprocessing to the end of its postprocessing. Allocation counts both threads.
     */
    public static BenchResult runOverlapped(Analyzer a, List<Mat> frames, int count, int warmup, int threads) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no decodable images");
        int total = warmup + count;
        PreparedInput[] slots = {a.newInput(), a.newInput()};
        Handoff h = new Handoff();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] producerAlloc = new long[2]; // [at warm-up end, at the end], read by the producer itself: exact for its own thread
        Thread producer = Thread.ofPlatform().name("bench-preprocess").daemon().unstarted(() -> {
            for (int i = 0; i < total && !h.stop; i++) {
                if (i == warmup) producerAlloc[0] = mx.getCurrentThreadAllocatedBytes();
                h.awaitFree(i & 1);
                if (h.stop) break;
                slots[i & 1].prepare(frames.get(i % frames.size()), System.nanoTime());
                h.publish(i & 1);
            }
            producerAlloc[1] = mx.getCurrentThreadAllocatedBytes();
        });
        h.consumer = Thread.currentThread();
        h.producer = producer;
        producer.start();
        long[] invoke = new long[count];
        long pre = 0, post = 0, latency = 0, alloc0 = 0, start = 0;
        try {
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    alloc0 = mx.getCurrentThreadAllocatedBytes();
                    start = System.nanoTime();
                }
                PreparedInput in = slots[i & 1];
                h.awaitReady(i & 1);
                a.run(in, 0.5f);
                long done = System.nanoTime();
                long started = in.startNanos(); // before release: the producer refills the slot right after
                h.release(i & 1);
                if (i >= warmup) {
                    invoke[i - warmup] = a.invokeNanos();
                    pre += a.preprocessNanos();
                    post += a.postprocessNanos();
                    latency += done - started;
                }
            }
            long wall = System.nanoTime() - start;
            long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
            producer.join(5000);
            alloc += producerAlloc[1] - producerAlloc[0];
            return result(a, count, threads, wall, invoke, pre, post, latency, alloc);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } finally {
            h.stop = true;
            java.util.concurrent.locks.LockSupport.unpark(producer);
            try {
                producer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (PreparedInput p : slots) p.close();
        }
    }

    /**
     * Two-slot handoff between the producer and the consumer. Written with park/unpark on volatile flags rather than
     * a BlockingQueue or Semaphore because those allocate queue nodes when a thread waits, and the benchmark's point
     * is to show that the frame path allocates nothing.
     */
    private static final class Handoff {
        final java.util.concurrent.atomic.AtomicIntegerArray ready = new java.util.concurrent.atomic.AtomicIntegerArray(2);
        volatile boolean stop;
        volatile Thread producer, consumer;

        void awaitFree(int slot) {
            while (!stop && ready.get(slot) == 1) java.util.concurrent.locks.LockSupport.park(this);
        }

        void awaitReady(int slot) {
            while (ready.get(slot) == 0) {
                if (stop) throw new IllegalStateException("benchmark producer stopped");
                java.util.concurrent.locks.LockSupport.park(this);
            }
        }

        void publish(int slot) { ready.set(slot, 1); java.util.concurrent.locks.LockSupport.unpark(consumer); }

        void release(int slot) { ready.set(slot, 0); java.util.concurrent.locks.LockSupport.unpark(producer); }
    }

    private static BenchResult result(Analyzer a, int count, int threads, long wall, long[] invoke, long pre, long post,
                                      long latency, long alloc) {
        long invokeSum = 0;
        for (long v : invoke) invokeSum += v;
        Arrays.sort(invoke);
        long p99 = invoke[Math.min(count - 1, (int) Math.ceil(count * 0.99) - 1)];
        return new BenchResult(a.model().getFileName().toString(), count, threads, a.engine().delegate(),
                count / (wall / 1e9), wall / 1e6 / count, latency / 1e6 / count, pre / 1e6 / count, invokeSum / 1e6 / count,
                post / 1e6 / count, p99 / 1e6, (double) alloc / count, rssMb());
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
