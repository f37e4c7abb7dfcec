package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import dev.vigil.testing.BadImages;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHeaderTest {

    @TempDir
    Path tmp;

    /** Every format the folder source accepts, written by OpenCV itself: the header gives what imread decodes. */
    @Test
    void sizesOfEveryAcceptedFormatMatchWhatOpenCvDecodes() throws Exception {
        try (Mat m = TestData.read("grace_hopper.bmp"); Mat grey = new Mat()) {
            org.bytedeco.opencv.global.opencv_imgproc.cvtColor(m, grey, org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY);
            for (String ext : FolderSource.EXTENSIONS) {
                Path f = tmp.resolve("g." + ext);
                assertTrue(imwrite(f.toString(), ext.equals("pgm") ? grey : m), ext);
                ImageHeader h = ImageHeader.read(f);
                assertEquals(m.cols(), h.width(), ext);
                assertEquals(m.rows(), h.height(), ext);
            }
        }
        for (String photo : new String[] {"hot_dog.jpg", "chelsea.png", "dog.bmp", "empty_street.jpg", "astronaut.png"}) {
            try (Mat m = TestData.read(photo)) {
                ImageHeader h = ImageHeader.read(TestData.image(photo));
                assertEquals(m.cols() + "x" + m.rows(), h.width() + "x" + h.height(), photo);
            }
        }
    }

    @Test
    void badFilesAreRefusedWithOneLineNamingTheFile() throws Exception {
        BadImages.corpus(tmp);
        for (String bad : BadImages.BAD) {
            Path f = tmp.resolve(bad);
            var e = assertThrows(FrameSource.CorruptFrameException.class, () -> ImageHeader.check(f, ImageHeader.DEFAULT_MAX_PIXELS));
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        Path text = Files.writeString(tmp.resolve("x.png"), "not an image");
        var e = assertThrows(FrameSource.CorruptFrameException.class, () -> ImageHeader.check(text, ImageHeader.DEFAULT_MAX_PIXELS));
        assertTrue(e.getMessage().contains("not a PNG, JPEG, BMP, WebP, TIFF or PNM image"), e.getMessage());
        assertEquals(3840L * 2160, ImageHeader.check(pngOf(3840, 2160), ImageHeader.DEFAULT_MAX_PIXELS).pixels(), "4K fits");
    }

    private Path pngOf(int w, int h) throws Exception {
        try (Mat m = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
            Path f = tmp.resolve("k.png");
            imwrite(f.toString(), m);
            return f;
        }
    }
}
