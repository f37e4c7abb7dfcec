package dev.vigil.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The real models, label files and photos, resolved through the catalogs ({@link TestDataResolver}): from the mirror
 * ({@code -Dvigil.mirror=DIR}, else {@code VIGIL_MIRROR}, else {@code ../shared} beside the checkout when it exists;
 * {@code -Dvigil.mirror=none} hides them all), else downloaded once into {@code $XDG_CACHE_HOME/vigil} or
 * {@code ~/.cache/vigil}. Missing data is one line naming the fix, never a silent skip.
 */
public final class TestData {

    private TestData() {}

    private static Path dir;
    private static RuntimeException failure;

    /**
     * The folder holding every catalog file as {@code models/<file>} and {@code test-images/<file>}, laid out as a
     * mirror: what a child process gets as {@code -Dvigil.mirror}. Resolved once per JVM; a failure is kept and thrown
     * again, so every test says the same one line.
     */
    public static synchronized Path shared() {
        if (dir == null && failure == null) {
            try {
                dir = TestDataResolver.fromEnvironment().resolveAll();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
        return dir;
    }

    public static Path model(String file) { return cataloged("models", file); }

    public static Path image(String file) { return cataloged("test-images", file); }

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

    // Only what the catalogs name: a file that happens to lie in one mirror would be missing on a fresh clone.
    private static Path cataloged(String folder, String file) {
        if (TestDataResolver.artifacts().stream().noneMatch(a -> a.folder().equals(folder) && a.file().equals(file))) {
            throw new IllegalStateException(folder + "/" + file + " is not in " + folder + "/catalog.yaml; add it there with"
                    + " its URL, size and sha256 to use it in a test");
        }
        return shared().resolve(folder).resolve(file);
    }

    public static final String CLASSIFIER = "mobilenet_v2_1.0_224_quant.tflite";
    public static final String CLASSIFIER_EDGETPU = "mobilenet_v2_1.0_224_quant_edgetpu.tflite";
    public static final String DETECTOR = "ssd_mobilenet_v1_coco_quant_postprocess.tflite";
    public static final String RAW_SSD = "ssd_mobilenetv2_oidv4_fp16.tflite";
}
