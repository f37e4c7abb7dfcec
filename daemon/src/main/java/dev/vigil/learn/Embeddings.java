package dev.vigil.learn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every example a learned model was made from, kept beside its head ({@code embeddings.bin}), so the next
 * {@code vigil learn} only runs the extractor on new images and keeps the classes it learned before. Big-endian:
 * "VGEMB1", the extractor's sha256, the roi ("" for none), dim, count, then per example key, label (modified UTF-8
 * strings), a validation flag byte and dim float32 values.
 */
final class Embeddings {

    private static final String MAGIC = "VGEMB1";

    private Embeddings() {}

    /** The stored examples, or none when there are none or they were taken with another extractor or region. */
    static List<Example> read(Path file, String extractorSha256, Roi roi) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (!MAGIC.equals(in.readUTF())) throw new IOException(file + " is not an embeddings file");
            String sha = in.readUTF(), r = in.readUTF();
            if (!sha.equals(extractorSha256) || !r.equals(roi == null ? "" : roi.toString())) return List.of();
            int dim = in.readInt(), n = in.readInt();
            List<Example> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                String key = in.readUTF(), label = in.readUTF();
                boolean val = in.readBoolean();
                float[] v = new float[dim];
                for (int i = 0; i < dim; i++) v[i] = in.readFloat();
                out.add(new Example(key, label, val, v));
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    static void write(Path file, String extractorSha256, Roi roi, List<Example> examples) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeUTF(MAGIC);
            out.writeUTF(extractorSha256);
            out.writeUTF(roi == null ? "" : roi.toString());
            out.writeInt(examples.isEmpty() ? 0 : examples.getFirst().embedding().length);
            out.writeInt(examples.size());
            for (Example e : examples) {
                out.writeUTF(e.key());
                out.writeUTF(e.label());
                out.writeBoolean(e.validation());
                for (float v : e.embedding()) out.writeFloat(v);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
