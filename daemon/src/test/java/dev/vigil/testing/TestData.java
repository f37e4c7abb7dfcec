package dev.vigil.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/** The shared real models and photos. Missing data is a test failure with the reason, never a silent skip. */
public final class TestData {

    private TestData() {}

    public static Path shared() {
        String p = System.getProperty("vigil.shared");
        Path dir = p != null ? Path.of(p) : Path.of("..", "..", "shared");
        if (!Files.isDirectory(dir.resolve("models")))
            throw new IllegalStateException("shared test data not found at " + dir.toAbsolutePath()
                    + " (the repository must have ../shared beside it; -Dvigil.shared=DIR overrides)");
        return dir;
    }

    public static Path model(String file) { return existing(shared().resolve("models").resolve(file)); }

    public static Path image(String file) { return existing(shared().resolve("test-images").resolve(file)); }

    public static Path images() { return shared().resolve("test-images"); }

    public static Mat read(String imageFile) {
        Mat m = imread(image(imageFile).toString(), IMREAD_COLOR);
        if (m == null || m.empty()) throw new IllegalStateException("cannot decode " + imageFile);
        return m;
    }

    public static Path root() {
        String p = System.getProperty("vigil.root");
        return p != null ? Path.of(p) : Path.of("..");
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing test file " + p.toAbsolutePath());
        return p;
    }

    public static final String CLASSIFIER = "mobilenet_v2_1.0_224_quant.tflite";
    public static final String CLASSIFIER_EDGETPU = "mobilenet_v2_1.0_224_quant_edgetpu.tflite";
    public static final String DETECTOR = "ssd_mobilenet_v1_coco_quant_postprocess.tflite";
    public static final String RAW_SSD = "ssd_mobilenetv2_oidv4_fp16.tflite";
}
