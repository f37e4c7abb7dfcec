package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An Error out of a source (natives that cannot load, a stack overflow in a decoder) never kills the capture thread
 * silently: the camera is reported DOWN with the reason, retried with the backoff (no spinning), and the trace is logged
 * once; a finite source ends with the reason, so {@code run --once} finishes and can say what was never read.
 */
class CaptureErrorTest {

    static final String ARM64_ERROR = "/tmp/javacpp/libjniavformat.so: libva-drm.so.2: cannot open shared object file: No such file or directory";

    final VirtualTime time = new VirtualTime();
    final Logger captureLog = (Logger) LoggerFactory.getLogger(Camera.class);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        captureLog.addAppender(logged);
    }

    @AfterEach
    void detach() {
        captureLog.detachAppender(logged);
    }

    long ms() { return time.elapsed().toMillis(); }

    /** A source whose open or read throws what the test says. */
    final class Throwing implements FrameSource {
        final List<Long> opens = new CopyOnWriteArrayList<>();
        final Supplier<Error> onOpen, onRead;
        final boolean finite;

        Throwing(Supplier<Error> onOpen, Supplier<Error> onRead, boolean finite) {
            this.onOpen = onOpen;
            this.onRead = onRead;
            this.finite = finite;
        }

        @Override
        public void open() {
            opens.add(ms());
            if (onOpen != null) throw onOpen.get();
        }

        @Override
        public String read(Mat dst) {
            throw onRead.get();
        }

        @Override public double pace() { return 0; }

        @Override public boolean finite() { return finite; }

        @Override public Duration stallLimit() { return null; }

        @Override public void abort() {}

        @Override public String describe() { return "throwing"; }

        @Override public void close() {}
    }

    Camera start(FrameSource s, List<String> changes) {
        return Camera.start("door", s, Camera.Options.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4))
                .withTime(time, CameraTimingTest.NO_JITTER)
                .withListener((c, from, to, why) -> changes.add(to + (why == null ? "" : " " + why) + " @" + ms())));
    }

    long errorLines() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).count();
    }

    @Test
    void nativesThatCannotLoadReportTheCameraDownWithTheLibraryAndPackageAndRetryWithBackoff() throws Exception {
        Throwing s = new Throwing(() -> new UnsatisfiedLinkError(ARM64_ERROR), null, false);
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Camera cam = start(s, changes)) {
            for (long delay : new long[] {1000, 2000, 4000, 4000}) {
                assertEquals(Duration.ofMillis(delay), time.awaitParked(1).getFirst(), "backoff, not a spin");
                time.advance(Duration.ofMillis(delay));
            }
            time.awaitParked(1);
            assertEquals(List.of(0L, 1000L, 3000L, 7000L, 11000L), s.opens);
            assertEquals(CameraState.DOWN, cam.state());
            assertTrue(cam.captureAlive());
            assertEquals("DOWN cannot open: natives cannot load: libva-drm.so.2 missing; install libva-drm2; retry in 1.0 s @0",
                    changes.get(1));
            assertEquals(1, errorLines(), "the trace once: " + logged.list);
            assertTrue(logged.list.stream().anyMatch(e -> e.getThrowableProxy() != null
                    && e.getThrowableProxy().getClassName().equals(UnsatisfiedLinkError.class.getName())));
        }
    }

    @Test
    void anErrorWhileReadingIsADownCameraThatRetries() throws Exception {
        Throwing s = new Throwing(null, () -> new StackOverflowError("simulated"), false);
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Camera cam = start(s, changes)) {
            assertEquals(Duration.ofMillis(1000), time.awaitParked(1).getFirst());
            time.advance(Duration.ofMillis(1000));
            assertEquals(Duration.ofMillis(2000), time.awaitParked(1).getFirst());
            assertEquals(List.of(0L, 1000L), s.opens);
            assertEquals("DOWN capture failed: StackOverflowError: simulated; retry in 1.0 s @0", changes.get(1));
            assertTrue(cam.captureAlive(), "the thread lives on");
            assertEquals(1, errorLines());
        }
    }

    @Test
    void aFiniteSourceWhoseNativesCannotLoadEndsWithTheReasonAndNothingCaptured() throws Exception {
        Throwing s = new Throwing(() -> new UnsatisfiedLinkError(ARM64_ERROR), null, true);
        List<String> changes = new CopyOnWriteArrayList<>();
        try (Camera cam = start(s, changes)) {
            assertTrue(Fixtures.await(Duration.ofSeconds(10), cam::ended), "ended, so run --once finishes");
            assertEquals(List.of("CONNECTING @0",
                    "ENDED cannot open: natives cannot load: libva-drm.so.2 missing; install libva-drm2 @0"), changes);
            assertEquals(0, cam.stats().captured());
            assertTrue(cam.captureAlive(), "ended is not died");
        }
    }

    @Test
    void theMissingLibraryIsFoundInACauseAndNamedWithItsDebianPackage() {
        Throwable wrapped = new RuntimeException("Could not load avformat",
                new NoClassDefFoundError("Could not initialize class org.bytedeco.ffmpeg.global.avformat").initCause(
                        new UnsatisfiedLinkError(ARM64_ERROR)));
        assertEquals("ffmpeg natives cannot load: libva-drm.so.2 missing; install libva-drm2",
                NativeError.reason("ffmpeg natives", wrapped));
        assertEquals("libxcb-shm0", NativeError.debianPackage("libxcb-shm.so.0"));
        assertEquals("libpulse0", NativeError.debianPackage("libpulse.so.0"));
        assertEquals("libva2", NativeError.debianPackage("libva.so.2"));
        assertEquals("libdrm2", NativeError.debianPackage("libdrm.so.2"));
        assertEquals("zlib1g", NativeError.debianPackage("libz.so.1"));
        assertEquals("libavcodec61-2", NativeError.debianPackage("libavcodec61.so.2"));
        assertEquals("ffmpeg natives failed: OutOfMemoryError: Java heap space",
                NativeError.reason("ffmpeg natives", new OutOfMemoryError("Java heap space")));
    }
}
