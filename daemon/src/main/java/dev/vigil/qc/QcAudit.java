package dev.vigil.qc;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.events.EventFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QC audit trail: one JSON line per part in the audit journal and, for the parts the policy keeps, a JPEG snapshot
 * beside it. Written like the event store (through {@link EventFiles}): the snapshot to a temporary name, forced and
 * renamed before its line is appended in one forced write, so after a power cut every line is whole and its snapshot
 * exists. Runs on its own thread: the inference thread only hands over a copy of the frame.
 */
public final class QcAudit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QcAudit.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path journal;
    private final EventFiles files;
    private final ThreadPoolExecutor writer;
    private final AtomicLong written = new AtomicLong(), lost = new AtomicLong();

    private QcAudit(Path journal, EventFiles files) {
        this.journal = journal;
        this.files = files;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                r -> Thread.ofPlatform().name("vigil-qc-audit").daemon(true).unstarted(r));
    }

    /** Opens (creating its folder) the audit journal; a folder that cannot be made is one line naming it. */
    public static QcAudit open(Path journal) {
        Path dir = journal.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("qc audit: cannot create " + dir + " (" + e.getMessage() + "); fix the path or the permissions", e);
        }
        if (!Files.isWritable(dir)) throw new IllegalStateException("qc audit: " + dir + " is not writable; fix the permissions");
        return new QcAudit(journal.toAbsolutePath(), EventFiles.local());
    }

    public Path journal() { return journal; }

    /**
     * Queues one part's record; {@code snapshot} (a copy owned by the audit from here on, or null) is written first.
     * Never blocks: a full queue loses the record (logged and counted).
     */
    public void append(QcResult r, Mat snapshot) {
        try {
            writer.execute(() -> write(r, snapshot));
        } catch (RejectedExecutionException e) {
            lost.incrementAndGet();
            log.warn("qc {}: audit record of part {} lost: the writer is {}", r.camera(), r.part(), writer.isShutdown() ? "closed" : "behind");
            if (snapshot != null) snapshot.close();
        }
    }

    private void write(QcResult r, Mat snapshot) {
        String name = null;
        try {
            if (snapshot != null) {
                name = "qc-" + r.camera() + "-" + NAME_TIME.format(r.edgeTime()) + "-" + r.part() + ".jpg";
                byte[] jpeg = jpeg(snapshot);
                if (jpeg == null) {
                    log.warn("qc {}: part {}: the snapshot could not be encoded", r.camera(), r.part());
                    name = null;
                } else {
                    files.writeAtomically(journal.resolveSibling(name), jpeg);
                }
            }
            files.append(journal, (line(r, name) + "\n").getBytes(StandardCharsets.UTF_8));
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            lost.incrementAndGet();
            log.error("qc {}: audit record of part {} lost: {}", r.camera(), r.part(), e.getMessage());
        } finally {
            if (snapshot != null) snapshot.close();
        }
    }

    private static byte[] jpeg(Mat m) {
        try (BytePointer buf = new BytePointer(); IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 85)) {
            if (!imencode(".jpg", m, buf, params)) return null;
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    /** The audit line of a part, fields in a fixed order. */
    static String line(QcResult r, String snapshot) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(r.edgeTime()));
            g.writeStringField("camera", r.camera());
            g.writeNumberField("part", r.part());
            g.writeStringField("verdict", r.verdict().name());
            g.writeStringField("label", r.label());
            g.writeFieldName("score");
            g.writeNumber(BigDecimal.valueOf(r.score()).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
            g.writeFieldName("decision_ms");
            g.writeNumber(ms(r.decidedNanos() - r.edgeNanos()));
            g.writeBooleanField("pushed", r.pushAtNanos() != 0);
            g.writeBooleanField("late", r.late());
            g.writeStringField("source_ref", r.sourceRef());
            g.writeStringField("reason", r.reason());
            g.writeStringField("snapshot", snapshot);
            g.writeStringField("model", r.model() == null ? null : r.model().name());
            g.writeStringField("model_sha256", r.model() == null ? null : r.model().shortSha());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static String ms(long nanos) {
        return BigDecimal.valueOf(nanos / 1e6).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    public long written() { return written.get(); }

    public long lost() { return lost.get(); }

    /** Writes what is queued (a few seconds at most), then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) log.warn("qc audit: writer did not finish in 5 s; {} records dropped", writer.shutdownNow().size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
