package dev.vigil.capture;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class VideoFileCameraTest {

    private static final int FRAMES = 20;

    @Test
    void recordedClipPlaysBackFrameByFrameThenEnds() throws Exception {
        Path clip = Fixtures.clip(FRAMES);
        List<Path> photos = Fixtures.images();
        try (Camera cam = Camera.start("file", new SourceSpec.VideoFile(clip, false, 0),
                Camera.Options.defaults().withLossless(true).withRealtime(false))) {
            List<String> refs = new ArrayList<>();
            for (Frame f; (f = cam.acquire(Duration.ofSeconds(5))) != null; ) {
                assertEquals(320, f.bgr().cols());
                assertEquals(240, f.bgr().rows());
                assertEquals(3, f.bgr().channels());
                // Each frame is the photo that was recorded at its position (lossy codec: close, not equal).
                double diff = meanAbsDiff(f.bgr(), photos.get(refs.size() % photos.size()));
                assertTrue(diff < 12, "frame " + refs.size() + " differs from its photo by " + diff + " (" + Fixtures.clipCodec + ")");
                refs.add(f.sourceRef());
                cam.release(f);
                System.gc(); // native memory owned, not hoped for: nothing in the path may depend on a live Java peer
            }
            assertEquals(FRAMES, refs.size(), "every recorded frame: " + refs);
            assertEquals("clip.mp4@0.000", refs.get(0));
            assertEquals("clip.mp4@0.100", refs.get(1));
            assertEquals("clip.mp4@1.900", refs.get(FRAMES - 1));
            assertTrue(cam.ended());
            assertEquals(CameraState.ENDED, cam.state());
            assertEquals(0, cam.stats().decodeErrors());
        }
    }

    @Test
    void loopingClipStartsOverAtTheEnd() throws Exception {
        Path clip = Fixtures.clip(FRAMES);
        try (Camera cam = Camera.start("loop", new SourceSpec.VideoFile(clip, true, 0),
                Camera.Options.defaults().withLossless(true).withRealtime(false))) {
            List<String> refs = Fixtures.drain(cam, Duration.ofSeconds(10), FRAMES + 3);
            assertEquals(FRAMES + 3, refs.size());
            assertEquals(refs.subList(0, 3), refs.subList(FRAMES, FRAMES + 3));
            assertFalse(cam.ended());
        }
    }

    @Test
    void clipIsPlayedAtItsOwnFrameRateUnlessTheSpecSetsOne() throws Exception {
        Path clip = Fixtures.clip(FRAMES);
        long start = System.nanoTime();
        try (Camera cam = Camera.start("rt", new SourceSpec.VideoFile(clip, false, 0), Camera.Options.defaults().withLossless(true))) {
            assertEquals(10, Fixtures.drain(cam, Duration.ofSeconds(5), 10).size());
        }
        double own = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        try (Camera cam = Camera.start("rt40", new SourceSpec.VideoFile(clip, false, 40), Camera.Options.defaults().withLossless(true))) {
            assertEquals(10, Fixtures.drain(cam, Duration.ofSeconds(5), 10).size());
        }
        double fast = (System.nanoTime() - start) / 1e9;
        assertTrue(own >= 0.85 && own < 2.5, "10 frames at the clip's 10 fps took " + own + " s");
        assertTrue(fast >= 0.2 && fast < own - 0.4, "10 frames at 40 fps took " + fast + " s");
    }

    @Test
    void missingFileEndsWithTheReason() throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Camera cam = Camera.start("none", new SourceSpec.VideoFile(Path.of("/nonexistent/clip.mp4"), false, 0),
                Camera.Options.defaults().withListener((c, from, to, why) -> { if (why != null) reasons.add(why); }))) {
            assertTrue(Fixtures.await(Duration.ofSeconds(5), cam::ended));
            assertEquals(List.of("cannot open: No such file or directory"), reasons);
        }
    }

    @Test
    void steadyStateReusesThreeMatsAndTheCaptureThreadAllocatesLittle() throws Exception {
        Path clip = Fixtures.clip(FRAMES);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Camera cam = Camera.start("steady", new SourceSpec.VideoFile(clip, true, 0),
                Camera.Options.defaults().withRealtime(false))) {
            java.util.Set<Long> buffers = new java.util.HashSet<>();
            long bytes0 = 0, frames0 = 0;
            for (int i = 0; i < 200; i++) {
                Frame f = cam.acquire(Duration.ofSeconds(5));
                assertNotNull(f);
                buffers.add(f.bgr().data().address());
                cam.release(f);
                if (i == 50) { // past the first loop of the clip: warmed up
                    bytes0 = mx.getThreadAllocatedBytes(cam.thread().threadId());
                    frames0 = cam.stats().captured();
                }
            }
            long bytes = mx.getThreadAllocatedBytes(cam.thread().threadId()) - bytes0;
            long frames = cam.stats().captured() - frames0;
            double perFrame = (double) bytes / frames;
            System.out.printf("capture thread: %d frames, %.0f bytes allocated per frame (heap), %d frame buffers%n",
                    frames, perFrame, buffers.size());
            assertTrue(buffers.size() <= 3, "frame Mats reused: " + buffers.size() + " distinct buffers");
            assertEquals(3, cam.pooledMats());
            // The Frame record, its Instant and source-ref string, and JavaCV's per-grab bookkeeping; each loop of the
            // clip also reopens the file. A copy of the 230 kB picture per frame would show as far more.
            assertTrue(perFrame < 16_000, perFrame + " bytes per frame");
        }
    }

    private static double meanAbsDiff(Mat frame, Path photo) {
        try (Mat p = imread(photo.toString(), IMREAD_COLOR); Mat small = new Mat(); Mat d = new Mat();
             Size size = new Size(frame.cols(), frame.rows())) {
            assertNotNull(p);
            resize(p, small, size);
            absdiff(frame, small, d);
            try (Scalar m = mean(d)) {
                return (m.get(0) + m.get(1) + m.get(2)) / 3;
            }
        }
    }
}
