package dev.vigil.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZIP archive the TFLite metadata writer appends to a model. {@link ZipFile} finds an archive by its end
 * record at the end of the file, so the model bytes before it do not disturb it (checked by the tests on a real
 * model).
 */
final class AppendedZip {
    private AppendedZip() {}

    private static final Logger log = LoggerFactory.getLogger(AppendedZip.class);
    /** Associated files are labels and vocabularies; anything larger is not one vigil reads. */
    private static final long MAX_ENTRY_BYTES = 64L << 20;

    static Optional<byte[]> read(Path model, String entry) {
        try (ZipFile zip = new ZipFile(model.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null || e.isDirectory()) return Optional.empty();
            if (e.getSize() > MAX_ENTRY_BYTES) {
                log.warn("{}: associated file {} is {} bytes, more than vigil reads ({}); ignored", model, entry, e.getSize(), MAX_ENTRY_BYTES);
                return Optional.empty();
            }
            try (InputStream in = zip.getInputStream(e)) {
                byte[] bytes = in.readNBytes((int) MAX_ENTRY_BYTES + 1);
                return bytes.length > MAX_ENTRY_BYTES ? Optional.empty() : Optional.of(bytes);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("{}: no associated file {} ({})", model, entry, e.toString());
            return Optional.empty();
        }
    }

    /** The entry's lines (UTF-8, a leading byte order mark dropped, trailing blank lines dropped). */
    static Optional<List<String>> lines(Path model, String entry) {
        return read(model, entry).map(AppendedZip::lines);
    }

    static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<String> out = new ArrayList<>(text.lines().toList());
        while (!out.isEmpty() && out.getLast().isBlank()) out.removeLast();
        return out;
    }
}
