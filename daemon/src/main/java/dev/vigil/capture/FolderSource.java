package dev.vigil.capture;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/** Images of a folder replayed in name order; with loop the folder is listed again each pass, so new files join. */
final class FolderSource implements FrameSource {

    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "ppm", "pgm", "pnm");

    private final SourceSpec.Folder spec;
    private List<Path> files = List.of();
    private int next;

    FolderSource(SourceSpec.Folder spec) {
        this.spec = spec;
    }

    @Override
    public void open() throws IOException {
        files = list(spec.path());
        next = 0;
    }

    /** Image files directly in dir, sorted by file name. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such folder");
        List<Path> images;
        try (Stream<Path> s = Files.list(dir)) {
            images = s.filter(Files::isRegularFile).filter(FolderSource::isImage)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        if (images.isEmpty()) throw new IOException(dir + ": no images (" + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
        return images;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String read(Mat dst) throws IOException {
        if (next >= files.size()) {
            if (!spec.loop()) return null;
            files = list(spec.path());
            next = 0;
        }
        Path file = files.get(next++);
        // imread into a Mat insists on the Mat's size, and leaves it untouched when decoding fails: start empty.
        dst.release();
        // One bad file is skipped and counted, never the end of the folder: OpenCV throws (rather than returning an
        // empty Mat) past its own pixel limit, and allocates whatever a header claims below it.
        ImageHeader.check(file, spec.maxImagePixels());
        try {
            imread(file.toString(), dst, IMREAD_COLOR);
        } catch (RuntimeException e) {
            dst.release();
            throw new CorruptFrameException("cannot decode " + file + ": " + e.getMessage());
        }
        if (dst.empty()) throw new CorruptFrameException("cannot decode " + file);
        return file.getFileName().toString();
    }

    @Override
    public double pace() {
        return spec.fps();
    }

    @Override
    public boolean finite() {
        return !spec.loop();
    }

    @Override
    public Duration stallLimit() {
        return null;
    }

    @Override
    public void abort() {}

    /** A looping folder on a share that went away: listed again only once it is back. */
    @Override
    public boolean reachable() {
        return Files.isDirectory(spec.path());
    }

    @Override
    public boolean reopenAfterUndecodable() {
        return false;
    }

    @Override
    public String describe() {
        return "folder " + spec.path();
    }

    @Override
    public void close() {
        files = List.of();
    }
}
