package dev.vigil.sampling;

import dev.vigil.events.EventFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset on the device: {@code <dir>/samples/<id>.jpg} and {@code <id>.json} per sample (see ARCHITECTURE.md).
 * Each file is written atomically through {@link EventFiles} (temporary name, fsync, rename), the JPEG first: a sample
 * exists once its JSON does, and a JPEG without one (a power cut between the two) is removed at the next open. The
 * store keeps within its quota by deleting the oldest unlabelled samples; labelled ones are never deleted for room (a
 * new sample is refused instead). Used by the sampler on its consumer thread and by {@code vigil dataset}.
 */
public final class SampleStore {

    private static final Logger log = LoggerFactory.getLogger(SampleStore.class);

    /** What the store knows of each sample without reading it: its bytes and whether it is labelled. */
    private record Entry(long bytes, boolean labelled) {}

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private final Path samples;
    private final long quota;
    private final EventFiles files;
    private final TreeMap<String, Entry> index = new TreeMap<>(); // by id: oldest first
    private long bytes;

    private SampleStore(Path dir, long quota, EventFiles files) {
        this.samples = dir.resolve("samples");
        this.quota = quota;
        this.files = files;
    }

    /** Opens (creating) the store; IOException names the directory. */
    public static SampleStore open(Path dir, long quota, EventFiles files) throws IOException {
        SampleStore s = new SampleStore(dir, quota, files);
        Files.createDirectories(s.samples);
        s.scan();
        return s;
    }

    private void scan() throws IOException {
        List<Path> jpegs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(samples)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) Files.deleteIfExists(p); // a write a crash cut short
                else if (name.endsWith(".jpg")) jpegs.add(p);
                else if (name.endsWith(".json")) {
                    String id = name.substring(0, name.length() - 5);
                    try {
                        Sample sm = Sample.fromJson(Files.readAllBytes(p));
                        Path jpg = jpeg(id);
                        index.put(id, new Entry(Files.size(p) + (Files.exists(jpg) ? Files.size(jpg) : 0), sm.labelled()));
                    } catch (IllegalArgumentException e) {
                        log.warn("dataset: {} is not a sample ({}); left out", p, e.getMessage());
                    }
                }
            }
        }
        for (Path j : jpegs) {
            String name = j.getFileName().toString();
            if (!index.containsKey(name.substring(0, name.length() - 4))) Files.deleteIfExists(j); // its JSON never came
        }
        bytes = index.values().stream().mapToLong(Entry::bytes).sum();
    }

    public Path dir() { return samples.getParent(); }

    public Path jpeg(String id) { return samples.resolve(id + ".jpg"); }

    private Path json(String id) { return samples.resolve(id + ".json"); }

    public synchronized long bytes() { return bytes; }

    public synchronized int size() { return index.size(); }

    public synchronized boolean contains(String id) { return index.containsKey(id); }

    /**
     * Makes room for {@code size} more bytes (oldest unlabelled samples first) and writes the sample.
     *
     * @return the ids deleted for room, or null when the sample was refused: only labelled samples are left to delete
     */
    public synchronized List<String> add(Sample s, byte[] jpeg) throws IOException {
        byte[] meta = s.toJson();
        long size = jpeg.length + meta.length;
        List<String> evicted = new ArrayList<>();
        while (bytes + size > quota) {
            String oldest = index.entrySet().stream().filter(e -> !e.getValue().labelled()).map(java.util.Map.Entry::getKey)
                    .filter(id -> !labelledOnDisk(id)).findFirst().orElse(null);
            if (oldest == null) return null;
            delete(oldest);
            evicted.add(oldest);
        }
        files.writeAtomically(jpeg(s.id()), jpeg);
        try {
            files.writeAtomically(json(s.id()), meta);
        } catch (IOException e) {
            files.delete(jpeg(s.id()));
            throw e;
        }
        index.put(s.id(), new Entry(size, s.labelled()));
        bytes += size;
        return evicted;
    }

    /** A `vigil dataset import` may have labelled it since this store was opened: read the file before deleting. */
    private boolean labelledOnDisk(String id) {
        try {
            boolean l = Sample.fromJson(Files.readAllBytes(json(id))).labelled();
            if (l) index.put(id, new Entry(index.get(id).bytes(), true));
            return l;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Every sample, oldest first. */
    public synchronized List<Sample> list() {
        List<Sample> out = new ArrayList<>(index.size());
        for (String id : index.keySet()) {
            Sample s = get(id);
            if (s != null) out.add(s);
        }
        return out;
    }

    /** The sample, or null when there is none of that id. */
    public synchronized Sample get(String id) {
        if (!ID.matcher(id).matches()) return null; // never a path out of the store
        try {
            return Sample.fromJson(Files.readAllBytes(json(id)));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces a sample's labels (atomically); false when there is no such sample. */
    public synchronized boolean label(String id, List<Sample.Box> labels) throws IOException {
        Sample s = get(id);
        if (s == null) return false;
        byte[] meta = s.withLabels(labels).toJson();
        files.writeAtomically(json(id), meta);
        long jpg = Files.exists(jpeg(id)) ? Files.size(jpeg(id)) : 0;
        Entry old = index.put(id, new Entry(jpg + meta.length, labels != null));
        bytes += jpg + meta.length - (old == null ? 0 : old.bytes());
        return true;
    }

    /** Deletes a sample: its JSON first, so a crash leaves at most a JPEG the next open removes. */
    public synchronized void delete(String id) throws IOException {
        files.delete(json(id));
        files.delete(jpeg(id));
        Entry e = index.remove(id);
        if (e != null) bytes -= e.bytes();
    }
}
