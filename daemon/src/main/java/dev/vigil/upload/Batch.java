package dev.vigil.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.UploadConfig;
import dev.vigil.dataset.Export;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One device's day of samples as the storage receives it: each configured export format under
 * {@code <prefix>/<device>/<day>/<format>/} (images and annotation files as {@code vigil dataset export} writes them),
 * then {@code <prefix>/<device>/<day>/manifest.json} listing every object with its size and MD5. The manifest goes
 * last, so a server that sees it sees the whole batch. The day is UTC, as sample ids are.
 */
public final class Batch {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One object of the batch: its key, the file holding its bytes (null for the manifest) and what it is. */
    public record Item(String key, Path file, byte[] bytes, Uploaded.Entry entry) {
        long size() { return entry.size(); }
    }

    /** Bytes and MD5 of files already read, by path, size and modification time: a pass reads only what changed. */
    private final Map<Path, Cached> digests = new ConcurrentHashMap<>();
    private record Cached(long size, long modified, String md5) {}

    private final UploadConfig cfg;
    private final SampleStore store;
    private final Path staging;

    public Batch(UploadConfig cfg, SampleStore store) {
        this.cfg = cfg;
        this.store = store;
        this.staging = store.dir().resolve(".upload");
    }

    /** The days that have samples, oldest first. */
    public List<LocalDate> days() {
        return store.list().stream().map(s -> day(s)).distinct().sorted().toList();
    }

    static LocalDate day(Sample s) { return s.time().atZone(ZoneOffset.UTC).toLocalDate(); }

    /**
     * What the day's batch is made of (every sample's record, which holds its labels), as one number: a day whose
     * number did not change since it was sent whole needs no export, so a pass over a month of days writes nothing.
     */
    public long fingerprint(LocalDate day) {
        long h = cfg.formats().hashCode();
        for (Sample s : store.list()) if (day(s).equals(day)) h = 31 * h + java.util.Arrays.hashCode(s.toJson());
        return h;
    }

    /** The day's objects, the manifest last; empty when the day has no sample. Rewrites the day's staging folder. */
    public List<Item> build(LocalDate day) throws IOException {
        List<Sample> samples = store.list().stream().filter(s -> day(s).equals(day)).toList();
        if (samples.isEmpty()) return List.of();
        String base = (cfg.prefix().isEmpty() ? "" : cfg.prefix() + "/") + cfg.device() + "/" + day;
        Path dir = staging.resolve(day.toString());
        deleteTree(dir);
        List<Item> items = new ArrayList<>();
        for (String format : cfg.formats()) {
            Path out = dir.resolve(format);
            Export.link(Export.Format.parse(format), store, samples, out, 0.2, false);
            try (Stream<Path> files = Files.walk(out)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    String rel = out.relativize(f).toString().replace('\\', '/');
                    items.add(new Item(base + "/" + format + "/" + rel, f, null, entry(f)));
                }
            }
        }
        ObjectNode m = JSON.createObjectNode().put("device", cfg.device()).put("day", day.toString())
                .put("samples", samples.size()).put("labelled", samples.stream().filter(Sample::labelled).count());
        m.putPOJO("formats", cfg.formats());
        ArrayNode objects = m.putArray("objects");
        for (Item it : items) objects.addObject().put("key", it.key()).put("size", it.size()).put("md5", it.entry().md5());
        byte[] manifest = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
        items.add(new Item(base + "/manifest.json", null, manifest, new Uploaded.Entry(manifest.length, md5(manifest))));
        return items;
    }

    private Uploaded.Entry entry(Path f) throws IOException {
        long size = Files.size(f), modified = Files.getLastModifiedTime(f).toMillis();
        Cached c = digests.get(f.toRealPath());
        if (c == null || c.size() != size || c.modified() != modified) {
            MessageDigest md = md5();
            try (InputStream in = Files.newInputStream(f)) {
                byte[] buf = new byte[65536];
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            }
            c = new Cached(size, modified, HexFormat.of().formatHex(md.digest()));
            digests.put(f.toRealPath(), c);
        }
        return new Uploaded.Entry(size, c.md5());
    }

    static String md5(byte[] bytes) { return HexFormat.of().formatHex(md5().digest(bytes)); }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5"); // S3's ETag of a single-part upload, and its Content-MD5 check
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
