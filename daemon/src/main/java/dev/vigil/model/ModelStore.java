package dev.vigil.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the files the catalogs name. For an artifact, in order:
 * <ol>
 *   <li>the local store {@code $VIGIL_HOME/models} or {@code $VIGIL_HOME/test-images} (size and sha256 checked; a
 *       damaged copy is removed and fetched again);</li>
 *   <li>the mirror folder, {@code <mirror>/<folder>/<file>} then {@code <mirror>/<file>}: a copy with the right
 *       sha256 is used in place, a wrong one is skipped with a warning;</li>
 *   <li>the catalog URL, downloaded into the store by {@link Downloader}.</li>
 * </ol>
 * A model may also be given as a path, used as is; if its bytes match a catalog entry it is treated as that entry.
 * A passed sha256 check is remembered for the file's exact state ({@link VerifiedFiles}); {@link #verify} always hashes.
 */
public final class ModelStore {

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path home;
    private final Mirror mirror;
    private final Catalog<ModelEntry> models;
    private final Supplier<Catalog<ImageEntry>> images;
    private final Downloader downloader;
    private final VerifiedFiles verified;
    private final boolean allowModified;

    /** A mirror folder and the setting it came from, named in messages so a wrong path is easy to fix. */
    public record Mirror(Path dir, String setting) {}

    /** Where an artifact is now, without fetching it. */
    public enum Status { INSTALLED, MIRROR, MISSING;
        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public record Location(Status status, Optional<Path> path) {}

    /** The sha256 check of one copy of an artifact. */
    public record Check(Artifact artifact, Path path, String actualSha256) {
        public boolean ok() { return actualSha256.equals(artifact.sha256()); }
    }

    /** @param mirror null when there is none */
    public ModelStore(Path home, Mirror mirror, Catalog<ModelEntry> models, Catalog<ImageEntry> images, Downloader downloader) {
        this(home, mirror, models, () -> images, downloader, false);
    }

    private ModelStore(Path home, Mirror mirror, Catalog<ModelEntry> models, Supplier<Catalog<ImageEntry>> images,
                       Downloader downloader, boolean allowModified) {
        this.allowModified = allowModified;
        this.home = home;
        this.mirror = mirror;
        this.models = models;
        this.images = images;
        this.downloader = downloader;
        this.verified = new VerifiedFiles(home);
    }

    /**
     * The store as the environment sets it up: home from the {@code vigil.home} system property, {@code VIGIL_HOME},
     * {@code $XDG_DATA_HOME/vigil} or {@code ~/.local/share/vigil}; mirror from {@code vigil.mirror} or
     * {@code VIGIL_MIRROR}; the catalogs packaged in the jar.
     */
    public static ModelStore fromEnvironment() {
        return new ModelStore(defaultHome(), environmentMirror(), Catalog.builtinModels(), Catalog::builtinImages,
                Downloader.standard(), false);
    }

    static Path defaultHome() {
        String home = setting("vigil.home", "VIGIL_HOME");
        if (home != null) return Path.of(home);
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "vigil");
        return Path.of(System.getProperty("user.home"), ".local", "share", "vigil");
    }

    static Mirror environmentMirror() {
        String property = System.getProperty("vigil.mirror");
        if (property != null && !property.isBlank()) return new Mirror(Path.of(property), "-Dvigil.mirror");
        String env = System.getenv("VIGIL_MIRROR");
        if (env != null && !env.isBlank()) return new Mirror(Path.of(env), "VIGIL_MIRROR");
        return null;
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) value = System.getenv(env);
        return value == null || value.isBlank() ? null : value;
    }

    /** The same store with another mirror, e.g. from a config key; {@code setting} names it in messages. */
    public ModelStore withMirror(Path dir, String setting) {
        return new ModelStore(home, dir == null ? null : new Mirror(dir, setting), models, images, downloader, allowModified);
    }

    /**
     * The same store, loading a model file named like a catalog model whose bytes differ (see {@link #resolve(String)})
     * with a warning instead of refusing it: for a catalog network changed on purpose (metadata added, re-quantized).
     */
    public ModelStore allowingModifiedModels(boolean allow) {
        return new ModelStore(home, mirror, models, images, downloader, allow);
    }

    public Path home() { return home; }

    public Optional<Mirror> mirror() { return Optional.ofNullable(mirror); }

    public Catalog<ModelEntry> models() { return models; }

    public Catalog<ImageEntry> images() { return images.get(); }

    /** The detector used when no model is given. */
    public ModelEntry defaultModel() {
        return models.entries().values().stream().filter(ModelEntry::isDefault).findFirst()
                .orElseThrow(() -> CatalogException.unknown("the model catalog marks no entry default: true; give --model"));
    }

    /**
     * A model given as an existing file path or a catalog name (fetched if needed).
     * Anything else is an error listing the catalog names. A file named like a catalog model (its {@code file}, or its
     * name with {@code .tflite}) whose sha256 differs is refused (exit 3) unless {@link #allowingModifiedModels}: a
     * bit-flipped detector loads and reports "class 0" where it should say "person".
     */
    public ResolvedModel resolve(String nameOrPath) {
        if (ModelUrl.is(nameOrPath)) return resolvePlain(ModelUrl.fetch(nameOrPath, home.resolve("models").resolve("url")));
        Path path = asPath(nameOrPath);
        if (path != null && Files.isRegularFile(path)) return resolvePlain(path);
        Optional<ModelEntry> entry = models.find(nameOrPath);
        if (entry.isPresent()) return resolve(entry.get());
        Optional<ResolvedModel> learned = learned(nameOrPath);
        if (learned.isPresent()) return learned.get();
        List<String> all = new ArrayList<>(models.names());
        all.addAll(learnedNames());
        String names = String.join(", ", all);
        if (path != null && Files.isDirectory(path)) {
            throw CatalogException.unknown("model " + nameOrPath + " is a folder; give a .tflite file or one of: " + names);
        }
        if (nameOrPath.contains("/") || nameOrPath.contains("\\") || nameOrPath.endsWith(".tflite")) {
            // A missing model file is a model that cannot be loaded (exit 3), like a truncated one.
            throw CatalogException.unavailable("model file " + nameOrPath + " does not exist; give an existing .tflite file"
                    + " or one of: " + names);
        }
        throw CatalogException.unknown("unknown model '" + nameOrPath + "'; give a .tflite file or one of: " + names);
    }

    /** Where {@code vigil learn} keeps the models it makes: {@code <home>/learned/<name>/<name>.head.json}. */
    public Path learnedDir() { return home.resolve("learned"); }

    /** The head file of learned model {@code name}, whether or not it exists. */
    public Path learnedHead(String name) { return learnedDir().resolve(name).resolve(name + ".head.json"); }

    /** A learned model by name: its head file (the engine opening path opens the extractor behind it) and its labels. */
    private Optional<ResolvedModel> learned(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) return Optional.empty();
        Path head = learnedHead(name);
        if (!Files.isRegularFile(head)) return Optional.empty();
        Path labels = head.resolveSibling("labels.txt");
        return Optional.of(new ResolvedModel(head, Files.isRegularFile(labels) ? Optional.of(labels) : Optional.empty(), Optional.empty()));
    }

    /** The names of the learned models in this store, sorted. */
    public List<String> learnedNames() {
        if (!Files.isDirectory(learnedDir())) return List.of();
        try (var s = Files.list(learnedDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> Files.isRegularFile(learnedHead(n))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The entry's model and label files, fetched if needed (labels first: they are small and may need a mirror). */
    public ResolvedModel resolve(ModelEntry entry) {
        Optional<Path> labels = entry.labelFile().map(this::fetch);
        Path model = fetch(entry);
        return new ResolvedModel(model, labels, Optional.of(entry));
    }

    /** A test image by catalog name, fetched if needed. */
    public Path image(String name) {
        return fetch(images().get(name));
    }

    /** A golden image of a model entry with its file, found as {@link #fetch} finds files. */
    public record GoldenImage(ModelEntry.Golden golden, Path file) {}

    /** The golden images of the catalog entry with these bytes (a model named or given as a file); none for another model. */
    public List<GoldenImage> golden(String sha256) {
        return models.entries().values().stream().filter(e -> e.sha256().equals(sha256)).findFirst().map(this::golden).orElse(List.of());
    }

    /**
     * The entry's golden images as files, in catalog order. An image the test-image catalog does not list is one line
     * naming the key.
     */
    public List<GoldenImage> golden(ModelEntry entry) {
        List<GoldenImage> out = new java.util.ArrayList<>();
        for (int i = 0; i < entry.golden().size(); i++) {
            ModelEntry.Golden g = entry.golden().get(i);
            Optional<ImageEntry> image = images().entries().values().stream().filter(e -> e.file().equals(g.image())).findFirst();
            if (image.isEmpty())
                throw CatalogException.unknown("models." + entry.name() + ".golden[" + i + "].image: '" + g.image()
                        + "' is not a file of the test-image catalog; use one of: "
                        + String.join(", ", images().entries().values().stream().map(ImageEntry::file).toList()));
            out.add(new GoldenImage(g, fetch(image.get())));
        }
        return out;
    }

    /**
     * Every test image as a file in {@code dir} (copied from wherever it was found), so the folder alone can feed
     * {@code vigil detect}. Returns the folder.
     */
    public Path pullAllImages(Path dir) {
        for (ImageEntry image : images().entries().values()) {
            Path found = fetch(image);
            Path wanted = dir.resolve(image.file());
            if (!same(found, wanted) && !verified.matches(wanted, image.size(), image.sha256())) {
                downloader.copy(image, found, dir);
            }
        }
        return dir;
    }

    /** The folder of the local store for one kind of artifact. */
    public Path storeDir(Artifact a) {
        return home.resolve(a.folder());
    }

    /** The artifact's file from the store, the mirror or its URL, in that order. */
    public Path fetch(Artifact a) {
        Optional<Path> found = installed(a).or(() -> mirrored(a));
        return found.orElseGet(() -> downloader.download(a, storeDir(a)));
    }

    /** Whether {@code file} has exactly the artifact's bytes; a passed check is remembered like the store's own. */
    public boolean holds(Path file, Artifact a) {
        return verified.matches(file, a.size(), a.sha256());
    }

    /** Where the artifact is now; checks sizes only, so it is quick enough for a listing. */
    public Location locate(Artifact a) {
        Path stored = storeDir(a).resolve(a.file());
        if (sizeMatches(stored, a)) return new Location(Status.INSTALLED, Optional.of(stored));
        for (Path candidate : mirrorCandidates(a)) {
            if (sizeMatches(candidate, a)) return new Location(Status.MIRROR, Optional.of(candidate));
        }
        return new Location(Status.MISSING, Optional.empty());
    }

    /** The sha256 of every copy present: the installed one and the mirror ones. */
    public List<Check> verify(Artifact a) {
        List<Path> copies = new ArrayList<>();
        Path stored = storeDir(a).resolve(a.file());
        if (Files.isRegularFile(stored)) copies.add(stored);
        for (Path candidate : mirrorCandidates(a)) {
            if (Files.isRegularFile(candidate) && copies.stream().noneMatch(p -> same(p, candidate))) copies.add(candidate);
        }
        return copies.stream().map(p -> new Check(a, p, Sha256.compute(p))).toList();
    }

    private Optional<Path> installed(Artifact a) {
        Path stored = storeDir(a).resolve(a.file());
        if (!Files.exists(stored)) return Optional.empty();
        if (verified.matches(stored, a.size(), a.sha256())) return Optional.of(stored);
        log.warn("{} is damaged (size or sha256 differs from the catalog); removing it and fetching it again", stored);
        try {
            Files.deleteIfExists(stored);
        } catch (IOException e) {
            throw CatalogException.unavailable(stored + " is damaged and cannot be removed (" + e.getMessage()
                    + "); delete it by hand");
        }
        return Optional.empty();
    }

    private Optional<Path> mirrored(Artifact a) {
        for (Path candidate : mirrorCandidates(a)) {
            if (!Files.isRegularFile(candidate)) continue;
            if (verified.matches(candidate, a.size(), a.sha256())) return Optional.of(candidate);
            log.warn("skipping mirror copy {}: its size or sha256 differs from the catalog ({} bytes, sha256 {})",
                    candidate, a.size(), a.sha256());
        }
        return Optional.empty();
    }

    private List<Path> mirrorCandidates(Artifact a) {
        if (mirror == null) return List.of();
        if (!Files.isDirectory(mirror.dir())) {
            throw CatalogException.unknown("mirror " + mirror.dir() + " (" + mirror.setting()
                    + ") is not a folder; fix the path or unset it");
        }
        return List.of(mirror.dir().resolve(a.folder()).resolve(a.file()), mirror.dir().resolve(a.file()));
    }

    private ResolvedModel resolvePlain(Path model) {
        Optional<ModelEntry> entry = recognize(model);
        if (entry.isEmpty()) {
            Optional<ModelEntry> named = namedLike(model);
            if (named.isPresent()) {
                String why = modified(model, named.get(), Sha256.of(model));
                if (!allowModified) throw CatalogException.unavailable(why + "; pull the catalog copy (`vigil models pull "
                        + named.get().name() + "`), rename the file if it is another model, or pass --allow-modified-model");
                log.warn("{}; loading it as {} because modified models are allowed", why, named.get().name());
                entry = named;
            }
        }
        Optional<Path> labels = entry.flatMap(e -> e.labelFile().flatMap(l -> knownLabels(model, l))).or(() -> labelsNextTo(model));
        return new ResolvedModel(model, labels, entry);
    }

    /** What a model file is to the catalog: see {@link FileCheck}. Always hashes the file. */
    public FileCheck check(Path file) {
        String sha = Sha256.compute(file);
        Optional<ModelEntry> byBytes = models.entries().values().stream().filter(e -> e.sha256().equals(sha)).findFirst();
        return new FileCheck(file, sha, byBytes, namedLike(file));
    }

    /**
     * A model file against the catalog.
     *
     * @param byBytes the entry with exactly these bytes
     * @param byName  the entry whose file name (or name with {@code .tflite}) the file has
     */
    public record FileCheck(Path file, String sha256, Optional<ModelEntry> byBytes, Optional<ModelEntry> byName) {

        /** Named like a catalog model but not its bytes: damaged, or changed since it was published. */
        public boolean mismatch() { return byBytes.isEmpty() && byName.isPresent(); }

        /** The one line saying so, as the load refusal and {@code models verify} give it. */
        public String mismatchLine() { return modified(file, byName.orElseThrow(), sha256); }
    }

    static String modified(Path file, ModelEntry e, String actual) {
        return "model file " + file + " is named like catalog model " + e.name() + " but its sha256 is " + actual
                + ", expected " + e.sha256() + ": it may be corrupt or modified";
    }

    /** The entry this file is named like, whatever its bytes. */
    private Optional<ModelEntry> namedLike(Path file) {
        String n = file.getFileName().toString();
        return models.entries().values().stream().filter(e -> n.equals(e.file()) || n.equals(e.name() + ".tflite")).findFirst();
    }

    /** The catalog entry with exactly these bytes; sizes are compared first, so most files are never hashed. */
    private Optional<ModelEntry> recognize(Path model) {
        long size;
        try {
            size = Files.size(model);
        } catch (IOException e) {
            return Optional.empty();
        }
        List<ModelEntry> sameSize = models.entries().values().stream().filter(e -> e.size() == size).toList();
        if (sameSize.isEmpty()) return Optional.empty();
        return sameSize.stream().filter(e -> verified.matches(model, e.size(), e.sha256())).findFirst();
    }

    // A plain path never triggers a download: the user pointed at a local file and may be offline.
    private Optional<Path> knownLabels(Path model, ModelEntry.Labels labels) {
        Path beside = siblingOf(model, labels.file());
        if (verified.matches(beside, labels.size(), labels.sha256())) return Optional.of(beside);
        Path stored = storeDir(labels).resolve(labels.file());
        if (verified.matches(stored, labels.size(), labels.sha256())) return Optional.of(stored);
        return mirror == null || !Files.isDirectory(mirror.dir()) ? Optional.empty() : mirrored(labels);
    }

    private static Optional<Path> labelsNextTo(Path model) {
        String name = model.getFileName().toString();
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        for (String candidate : List.of(stem + ".txt", "labels.txt")) {
            Path p = siblingOf(model, candidate);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private static Path siblingOf(Path file, String name) {
        Path parent = file.toAbsolutePath().getParent();
        return parent.resolve(name);
    }

    private static boolean sizeMatches(Path p, Artifact a) {
        try {
            return Files.isRegularFile(p) && Files.size(p) == a.size();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path asPath(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "ModelStore[home=" + home + ", mirror=" + (mirror == null ? "none" : mirror.dir()) + "]";
    }
}
