package dev.vigil.eval;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.capture.ImageHeader;
import dev.vigil.model.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Dataset images already decoded and scaled to a model's input size, so that later passes, a second model of the same
 * input size ({@code --compare}) and, with a folder, later runs do not decode them again. What is kept is the image
 * the preprocessor's stretch resize makes (bilinear, to the input's width and height): handed that image, the
 * preprocessor's own resize is a copy (OpenCV copies when the size is already right), so a model sees exactly the
 * tensor it would have made from the photo, whatever its input type or normalization.
 *
 * <p>In memory (native, up to {@code memoryBytes}; once full, what is held stays and the rest is decoded each time: a
 * dataset larger than the cache is read in the same order every pass, and evicting would throw away every image just
 * before it is needed again). On disk under {@code dir}, keyed by the photo's sha256 and the size, up to
 * {@code diskBytes}, the oldest files going first. One thread at a time (the decoding thread).
 */
public final class FrameCache implements AutoCloseable {

    /** How a frame was had: decoded from the photo, or taken from memory or from the disk cache. */
    public enum Source { DECODED, MEMORY, DISK }

    /**
     * The photo scaled to the model's input, with the photo's own size (boxes are normalized to it).
     *
     * @param kept held by the cache (closed with it); otherwise the caller closes {@code bgr}
     */
    public record Frame(Mat bgr, int width, int height, Source source, boolean kept) {}

    private record Held(Mat bgr, int width, int height) {}

    private final long memoryBytes;
    private final Path dir;
    private final long diskBytes;
    private final Map<String, Held> held = new HashMap<>();
    private long heldBytes;
    private long diskUsed = -1;

    /** @param dir the disk cache, or null for memory only */
    public FrameCache(long memoryBytes, Path dir, long diskBytes) {
        this.memoryBytes = memoryBytes;
        this.dir = dir;
        this.diskBytes = diskBytes;
    }

    /**
     * The photo at {@code width} x {@code height}.
     *
     * @throws IOException with one line naming the file when it cannot be read or decoded
     */
    public synchronized Frame get(Path file, int width, int height) throws IOException {
        String identity = identity(file);
        String key = identity + "|" + width + "x" + height;
        Held h = held.get(key);
        if (h != null) return new Frame(h.bgr(), h.width(), h.height(), Source.MEMORY, true);
        Path cached = null;
        if (dir != null) {
            cached = dir.resolve(Sha256.of(file) + "-" + width + "x" + height + ".bgr"); // Sha256 hashes a file once per state
            Held d = readDisk(cached, width, height);
            if (d != null) return new Frame(d.bgr(), d.width(), d.height(), Source.DISK, keep(key, d));
        }
        Held d = decode(file, width, height);
        if (cached != null) writeDisk(cached, d);
        return new Frame(d.bgr(), d.width(), d.height(), Source.DECODED, keep(key, d));
    }

    /** Holds {@code h} if there is room; whether it did. */
    private boolean keep(String key, Held h) {
        long bytes = (long) h.bgr().rows() * h.bgr().cols() * 3;
        if (heldBytes + bytes > memoryBytes) return false;
        held.put(key, h);
        heldBytes += bytes;
        return true;
    }

    private static String identity(Path file) throws IOException {
        return file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    }

    static Held decode(Path file, int width, int height) throws IOException {
        ImageHeader.check(file, ImageHeader.DEFAULT_MAX_PIXELS);
        try (Mat img = imread(file.toString(), IMREAD_COLOR); Size size = new Size(width, height)) {
            if (img == null || img.empty()) throw new IOException(file + ": cannot decode image (not an image file, or corrupt)");
            Mat small = new Mat(height, width, CV_8UC3);
            resize(img, small, size, 0, 0, INTER_LINEAR); // as ImagePreprocessor's stretch
            return new Held(small, img.cols(), img.rows());
        }
    }

    /** A file of the disk cache: the photo's width and height (two ints, little-endian), then the BGR pixels. */
    private static Held readDisk(Path f, int width, int height) {
        byte[] b;
        try {
            b = Files.readAllBytes(f);
        } catch (IOException e) {
            return null;
        }
        if (b.length != 8 + width * height * 3) return null; // a partial or foreign file: decoded anew and replaced
        ByteBuffer hdr = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        Mat m = new Mat(height, width, CV_8UC3);
        m.data().put(b, 8, b.length - 8);
        try {
            Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis())); // used: the last to go
        } catch (IOException e) {
            // only the eviction order suffers
        }
        return new Held(m, hdr.getInt(), hdr.getInt());
    }

    private void writeDisk(Path f, Held h) {
        int n = h.bgr().rows() * h.bgr().cols() * 3;
        byte[] b = new byte[8 + n];
        ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putInt(h.width()).putInt(h.height());
        h.bgr().data().get(b, 8, n);
        try {
            Files.createDirectories(dir);
            if (diskUsed < 0) diskUsed = used();
            Path tmp = Files.createTempFile(dir, ".frame", ".tmp");
            Files.write(tmp, b);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            diskUsed += b.length;
            if (diskUsed > diskBytes) trim();
        } catch (IOException e) {
            // The cache is an optimisation: a full or read-only disk leaves the evaluation as it was.
        }
    }

    private long used() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".bgr")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Deletes the least recently used files until the cache holds at most 90% of its cap. */
    private void trim() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".bgr")).sorted(Comparator.comparingLong(p -> p.toFile().lastModified())).toList();
        }
        for (Path p : files) {
            if (diskUsed <= diskBytes * 0.9) break;
            long len = p.toFile().length();
            if (Files.deleteIfExists(p)) diskUsed -= len;
        }
    }

    @Override
    public synchronized void close() {
        held.values().forEach(h -> h.bgr().close());
        held.clear();
        heldBytes = 0;
    }
}
