package dev.vigil.capture;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Streams, video files, V4L2 devices and command pipes, all decoded by JavaCV's FFmpegFrameGrabber. The grabber and its
 * converter are opened and closed by the capture thread only.
 *
 * <p>Blocking is bounded by FFmpeg's own socket options, in microseconds: {@code timeout} for RTSP and HTTP (it also
 * bounds the TCP connect) and {@code rw_timeout} for HTTP, set to min(connect timeout / 2, read timeout), because the
 * RTSP handshake waits it out twice on a silent server. Measured with the tests' 2 s / 1 s: a silent server fails the
 * open after 2.2 s, a hung stream is DOWN 1.1 s after its last packet. JavaCV 1.5.13's {@code FrameGrabber.setTimeout}
 * is not read by FFmpegFrameGrabber, and an interrupt callback cannot be installed before {@code avformat_open_input}
 * (FFmpegFrameGrabber allocates the context inside start()) nor reaches the RTSP socket after it (FFmpeg copies the
 * callback into each connection when it opens), so neither is used; the camera's watchdog reports a call that outlives
 * {@link #stallLimit()}.
 */
final class FfmpegSource implements FrameSource {

    /** How long FFmpeg may take to probe a stream after connecting (its default analyzeduration is 5 s). */
    private static final Duration PROBE_ALLOWANCE = Duration.ofSeconds(6);

    private final String description;
    private final Supplier<FFmpegFrameGrabber> factory;
    private final boolean finite;
    private final boolean loop;
    private final double fps;
    private final String fileName;
    private final Duration stallLimit;
    /** Streams: a network error during a grab ends the connection even if the grab returned a frame (see read()). */
    private final boolean network;
    /** The cheap check between failed opens (see {@link FrameSource#reachable()}). */
    private final java.util.function.BooleanSupplier probe;

    private FFmpegFrameGrabber grabber;
    private OpenCVFrameConverter.ToMat converter;
    private double pace;

    private FfmpegSource(String description, Supplier<FFmpegFrameGrabber> factory, boolean finite, boolean loop,
                         double fps, String fileName, Duration stallLimit, boolean network, java.util.function.BooleanSupplier probe) {
        this.network = network;
        this.probe = probe;
        this.description = description;
        this.factory = factory;
        this.finite = finite;
        this.loop = loop;
        this.fps = fps;
        this.fileName = fileName;
        this.stallLimit = stallLimit;
    }

    static FfmpegSource stream(SourceSpec.Stream s) {
        String url = s.url(); // SourceSpec.Stream checked the scheme, the transport and the timeouts
        boolean rtsp = url.toLowerCase(Locale.ROOT).startsWith("rtsp://");
        Duration connect = s.connectTimeout();
        Duration read = s.readTimeout();
        // FFmpeg's RTSP handshake waits out its socket timeout twice before giving up on a silent server, so half the
        // connect timeout bounds the whole connect; a stalled stream is noticed after one (see read()).
        Duration socket = connect.dividedBy(2).compareTo(read) < 0 ? connect.dividedBy(2) : read;
        String socketTimeout = Long.toString(socket.toNanos() / 1000);
        String transport = s.transport();
        return new FfmpegSource(Redact.url(url), () -> {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(url);
            // One socket timeout per connection in FFmpeg: it bounds the TCP connect and every read.
            g.setOption("timeout", socketTimeout);
            quickProbe(g);
            lowDelay(g);
            if (rtsp) {
                g.setOption("rtsp_transport", transport);
            } else {
                g.setOption("rw_timeout", socketTimeout);
            }
            return g;
        }, false, false, 0, null, connect.plus(read).plus(PROBE_ALLOWANCE), true, new TcpProbe(url, connect));
    }

    static FfmpegSource file(SourceSpec.VideoFile f) {
        String path = f.path().toString();
        return new FfmpegSource("file " + path, () -> new FFmpegFrameGrabber(path), !f.loop(), f.loop(), f.fps(),
                f.path().getFileName().toString(), null, false, () -> java.nio.file.Files.isReadable(f.path()));
    }

    static FfmpegSource device(SourceSpec.Device d) {
        // SourceSpec.Device allows only these two (or none); FFmpeg names YUYV yuyv422.
        String pixel = d.pixelFormat() == null ? null : d.pixelFormat().equals("yuyv") ? "yuyv422" : "mjpeg";
        return new FfmpegSource("device " + d.path(), () -> {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(d.path());
            g.setFormat("video4linux2");
            // Options, not setImageWidth/setFrameRate: those also make JavaCV rescale its output.
            if (pixel != null) g.setOption("input_format", pixel);
            if (d.width() > 0 && d.height() > 0) g.setOption("video_size", d.width() + "x" + d.height());
            if (d.fps() > 0) g.setOption("framerate", fmt(d.fps()));
            lowDelay(g);
            return g;
        }, false, false, 0, null, Duration.ofSeconds(10), false, () -> java.nio.file.Files.exists(java.nio.file.Path.of(d.path())));
    }

    /**
     * A command's stdout. maximumSize 0: no seeking, and no mark on the stream, which would otherwise buffer the whole
     * endless pipe in memory.
     */
    static FfmpegSource pipe(Supplier<InputStream> in, String description, boolean finite, Duration stallLimit) {
        return new FfmpegSource(description, () -> {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(in.get(), 0);
            quickProbe(g);
            // A pipe has no timestamps: FFmpeg assumes 25 fps and would read a second's worth of "frames" (2.5 s of a
            // 10 fps camera) before the first one comes out. Camera tools start with a keyframe (a JPEG, or SPS+IDR),
            // so the first packet tells the decoder everything.
            g.setOption("probesize", "32");
            lowDelay(g);
            return g;
        }, finite, false, 0, null, stallLimit, false, () -> true);
    }

    /**
     * FFmpeg probes up to 5 s and 20 frames of a live input (to guess its frame rate) before handing out the first
     * frame, and every reconnect pays for it; the SDP, the SPS or the first JPEG already say what decoding needs.
     */
    private static void quickProbe(FFmpegFrameGrabber g) {
        g.setOption("analyzeduration", "1000000");
        g.setOption("fpsprobesize", "0");
    }

    /**
     * Frame threading holds back one frame per decoder thread: a live picture arrives that many frames late, and when
     * the camera hangs FFmpeg hands out those held frames one read timeout apart before admitting the stream is gone.
     * Slice threading decodes each frame as it comes.
     */
    private static void lowDelay(FFmpegFrameGrabber g) {
        g.setVideoOption("thread_type", "slice");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Opens without JavaCV's global lock. FFmpegFrameGrabber.start() runs the whole open (avformat_open_input, the
     * stream probe, avcodec_open2) inside {@code synchronized (avcodec.class)}, and release() takes the same lock: with
     * 10 cameras on a silent server only one was connecting at a time, each holding the lock for its whole connect
     * timeout, so one dead camera delayed every other camera's open (and recovery) by that long. The lock dates from
     * FFmpeg before 4.0, whose avcodec_open2 needed av_lockmgr_register (JavaCV's old FFmpegLockCallback); FFmpeg 4.0
     * made codec initialisation thread-safe and 5.0 removed the lock manager. The bundled FFmpeg is 8.0, every grabber
     * here has its own contexts and is used by one capture thread, so startUnsafe()/releaseUnsafe() are safe.
     */
    @Override
    public void open() throws IOException {
        close();
        try {
            FfmpegLog.install();
            FfmpegLog.clearLastError();
        } catch (LinkageError e) {
            throw new IOException(NativeError.reason("ffmpeg natives", e));
        }
        FFmpegFrameGrabber g;
        try {
            g = factory.get();
        } catch (LinkageError e) {
            throw new IOException(NativeError.reason("ffmpeg natives", e));
        }
        try {
            g.startUnsafe();
        } catch (FrameGrabber.Exception | RuntimeException | LinkageError e) {
            // JavaCV wraps natives that failed to load into its own exception: the library's name is in a cause.
            String reason = e instanceof LinkageError || NativeError.missingLibrary(e) != null
                    ? NativeError.reason("ffmpeg natives", e) : FfmpegLog.reason((Exception) e);
            release(g);
            throw new IOException(reason);
        }
        if (!g.hasVideo()) {
            release(g);
            throw new IOException("no video stream");
        }
        grabber = g;
        converter = new OpenCVFrameConverter.ToMat();
        double own = g.getVideoFrameRate();
        pace = fileName == null ? 0 : fps > 0 ? fps : own > 0 && own < 1000 ? own : 25;
    }

    @Override
    public String read(Mat dst) throws IOException {
        if (grabber == null) throw new IOException("not open");
        org.bytedeco.javacv.Frame f = grab();
        String lost = network ? FfmpegLog.networkError() : null;
        if (lost != null) {
            // The socket read timed out or failed. JavaCV then drains the decoder and hands out the frame it held,
            // and reads again (another full timeout) before it returns null: the stream is gone now, not later.
            throw new IOException(Redact.text(lost));
        }
        if (f == null && loop) {
            open();
            f = grab();
        }
        if (f == null) return null;
        Mat m = converter.convert(f);
        if (m == null || m.empty()) throw new CorruptFrameException("empty image from " + description);
        switch (m.channels()) {
            case 3 -> m.copyTo(dst);
            case 1 -> cvtColor(m, dst, COLOR_GRAY2BGR);
            case 4 -> cvtColor(m, dst, COLOR_BGRA2BGR);
            default -> throw new CorruptFrameException(m.channels() + "-channel image from " + description);
        }
        if (fileName != null) return fileName + "@" + String.format(Locale.ROOT, "%.3f", grabber.getTimestamp() / 1e6);
        return Instant.now().toString();
    }

    private org.bytedeco.javacv.Frame grab() throws CorruptFrameException {
        FfmpegLog.clearLastError();
        try {
            return grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
            // Read errors come back as null; an exception is the decoder rejecting a packet.
            throw new CorruptFrameException(FfmpegLog.reason(e));
        }
    }

    @Override
    public double pace() {
        return pace;
    }

    @Override
    public boolean finite() {
        return finite;
    }

    @Override
    public Duration stallLimit() {
        return stallLimit;
    }

    @Override
    public void abort() {
        // Nothing safe to do from another thread: closing the grabber under a running call frees memory FFmpeg is using.
    }

    @Override
    public boolean reachable() {
        return probe.getAsBoolean();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        if (converter != null) {
            converter.close();
            converter = null;
        }
        if (grabber != null) {
            release(grabber);
            grabber = null;
        }
    }

    /** Without JavaCV's global lock, see {@link #open()}. */
    private static void release(FFmpegFrameGrabber g) {
        try {
            g.releaseUnsafe();
        } catch (FrameGrabber.Exception | RuntimeException | LinkageError e) {
            // Closing a broken connection may complain; the native memory is freed either way.
        }
    }
}
