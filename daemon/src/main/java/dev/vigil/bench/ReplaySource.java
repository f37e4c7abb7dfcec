package dev.vigil.bench;

import dev.vigil.capture.FrameSource;
import java.time.Duration;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A camera for the pipeline benchmark: frames decoded once, copied out at a fixed rate, forever. Decoding images at
 * camera rates would itself eat the CPU the benchmark means to measure; a real camera hands over decoded frames too.
 */
public final class ReplaySource implements FrameSource {

    private final List<Mat> frames;
    private final double fps;
    private final String name;
    private int next;

    public ReplaySource(String name, List<Mat> frames, double fps) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames to replay");
        this.name = name;
        this.frames = frames;
        this.fps = fps;
    }

    @Override public void open() {}

    @Override
    public String read(Mat dst) {
        Mat src = frames.get(next);
        next = (next + 1) % frames.size();
        src.copyTo(dst);
        return "replay";
    }

    @Override public double pace() { return fps; }

    @Override public boolean finite() { return false; }

    @Override public Duration stallLimit() { return null; }

    @Override public void abort() {}

    @Override public String describe() { return "replay " + name + " at " + fps + " fps"; }

    @Override public void close() {}
}
