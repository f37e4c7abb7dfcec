package dev.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Hard-example sampling for the B legs of {@code bench --pipeline --abba --with-sampling}: every strategy on (novelty
 * too, which is off by default) into a dataset store in a temporary folder, with the default limits, so the frame path
 * pays what a device that samples pays: the strategies' decision on the inference thread, hashing, encoding and
 * writing on the sampler's own.
 */
public final class SamplingOn implements AutoCloseable {

    private final Path dir;

    private SamplingOn(Path dir) { this.dir = dir; }

    public static SamplingOn start() throws IOException {
        return new SamplingOn(Files.createTempDirectory("vigil-bench-sampling"));
    }

    /** The config section appended to the bench's own in the B legs. */
    public String config() {
        return "sampling:\n"
                + "  enabled: true\n"
                + "  dir: " + dir + "\n"
                + "  strategies:\n"
                + "    near_threshold: { enabled: true }\n"
                + "    flicker: { enabled: true }\n"
                + "    qc: { enabled: true }\n"
                + "    feedback: { enabled: true }\n"
                + "    novelty: { enabled: true }\n"
                + "    random: { enabled: true }\n";
    }

    /** Samples in the store so far (JPEGs under {@code samples/}). */
    public long kept() {
        Path samples = dir.resolve("samples");
        if (!Files.isDirectory(samples)) return 0;
        try (Stream<Path> s = Files.list(samples)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jpg")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    public Path dir() { return dir; }

    @Override
    public void close() {
        try (var st = Files.walk(dir)) {
            st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
