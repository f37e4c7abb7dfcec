package dev.vigil.capture;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** What the capture tests share: Debian's ffmpeg, a clip made from the shared photos, free ports, waiting. */
final class Fixtures {

    private Fixtures() {}

    static final int CLIP_FPS = 10;

    /** Debian's ffmpeg binary; its absence fails the test, naming the fix. */
    static String ffmpeg() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "ffmpeg");
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new AssertionError("ffmpeg (the Debian package) is not installed; .ci/run installs it (apt-get install ffmpeg)");
    }

    /** The shared photos in name order, as the folder source sees them. */
    static List<Path> images() {
        try {
            return FolderSource.list(TestData.images());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path clip;
    static String clipCodec;

    /**
     * A 320x240 clip, one photo per frame in name order, 10 fps, a keyframe every second, recorded with JavaCV's
     * FFmpegFrameRecorder: H.264 in MP4 where the bytedeco FFmpeg build has an H.264 encoder, else MPEG-4 part 2.
     */
    static synchronized Path clip(int frames) throws IOException {
        if (clip != null) return clip;
        // Under the build directory (surefire runs in the module), so mvn clean removes the clip and the relay's logs.
        Path dir = Files.createDirectories(Path.of("target", "capture-test")).toAbsolutePath();
        Path out = dir.resolve("clip.mp4");
        List<Path> photos = images();
        FrameRecorder.Exception h264Failure = null;
        for (int codec : new int[] {avcodec.AV_CODEC_ID_H264, avcodec.AV_CODEC_ID_MPEG4}) {
            try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toString(), 320, 240, 0);
                 OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
                 Mat small = new Mat()) {
                r.setFormat("mp4");
                r.setVideoCodec(codec);
                r.setFrameRate(CLIP_FPS);
                r.setGopSize(CLIP_FPS);
                r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                r.setVideoQuality(28);
                r.start();
                for (int i = 0; i < frames; i++) {
                    try (Mat photo = imread(photos.get(i % photos.size()).toString(), IMREAD_COLOR);
                         Size size = new Size(320, 240)) {
                        resize(photo, small, size);
                        r.record(conv.convert(small));
                    }
                }
                r.stop();
                clipCodec = r.getVideoCodecName() != null ? r.getVideoCodecName() : Integer.toString(codec);
                clip = out;
                return out;
            } catch (FrameRecorder.Exception e) {
                if (h264Failure == null) h264Failure = e;
                else throw new IOException("cannot record a clip with H.264 (" + h264Failure.getMessage() + ") or MPEG-4", e);
            }
        }
        throw new AssertionError("unreachable");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Polls every 10 ms until the condition holds; false after the timeout. */
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /** Takes frames until the timeout, releasing each; returns their sources refs. */
    static List<String> drain(Camera cam, Duration timeout, int max) throws InterruptedException {
        List<String> refs = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (refs.size() < max && System.nanoTime() < deadline) {
            Frame f = cam.acquire(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                if (cam.ended()) break;
                continue;
            }
            refs.add(f.sourceRef());
            cam.release(f);
        }
        return refs;
    }
}
