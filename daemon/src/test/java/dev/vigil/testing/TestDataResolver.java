package dev.vigil.testing;

import dev.vigil.model.Artifact;
import dev.vigil.model.Catalog;
import dev.vigil.model.CatalogException;
import dev.vigil.model.Downloader;
import dev.vigil.model.ImageEntry;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Progress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every model, label file and photo of the catalogs as one folder laid out like a mirror ({@code models/<file>},
 * {@code test-images/<file>}), so a test, an in-process command and a child daemon all find them the same way.
 *
 * <p>The mirror is the folder when it holds every file with the catalog's bytes (CI's {@code ../shared}). Otherwise the
 * cache is: what it lacks is copied from the mirror when the mirror has it, else downloaded from the catalog URL, each
 * checked against its sha256 before it is put in place. Passed checks are remembered in the cache's
 * {@code verified-sha256.tsv}, so a later run reads no file twice and makes no request.
 */
public final class TestDataResolver {

    private final Path cache;
    private final Path mirror;
    private final String mirrorSetting;
    private final Downloader downloader;
    private final ModelStore checks;

    /**
     * @param mirror        null when there is none
     * @param mirrorSetting where the mirror came from, for messages
     */
    public TestDataResolver(Path cache, Path mirror, String mirrorSetting, Downloader downloader) {
        this.cache = cache;
        this.mirror = mirror;
        this.mirrorSetting = mirrorSetting;
        this.downloader = downloader;
        // Only its remembered sha256 checks are used: they live in the cache, which is the store's home here.
        this.checks = new ModelStore(cache, null, Catalog.builtinModels(), Catalog.builtinImages(), downloader);
    }

    /** The resolver the build uses: see {@link TestData} for the settings it reads. */
    static TestDataResolver fromEnvironment() {
        Path mirror = null;
        String setting = null;
        String property = System.getProperty("vigil.mirror");
        String env = System.getenv("VIGIL_MIRROR");
        Path beside = TestData.root().resolve("..").resolve("shared").normalize();
        if ("none".equals(property)) {
            // The mirror hidden on purpose: CI tries the fresh-clone path this way.
        } else if (property != null && !property.isBlank()) {
            mirror = Path.of(property);
            setting = "-Dvigil.mirror";
        } else if (env != null && !env.isBlank()) {
            mirror = Path.of(env);
            setting = "VIGIL_MIRROR";
        } else if (Files.isDirectory(beside.resolve("models"))) {
            mirror = beside;
            setting = "../shared beside the checkout";
        }
        if (mirror != null && !Files.isDirectory(mirror)) {
            throw new TestDataException("test data: the mirror " + mirror + " (" + setting + ") is not a folder; fix the path"
                    + " or unset it to download the files instead");
        }
        Downloader downloader = new Downloader(Downloader.CONNECT_TIMEOUT, Downloader.STALL_TIMEOUT,
                onceBytesArrive(Progress.stderr()));
        String base = System.getProperty("vigil.test.base-url");
        if (base != null && !base.isBlank()) downloader = downloader.withBaseUrl(URI.create(base));
        return new TestDataResolver(cacheDir(), mirror, setting, downloader);
    }

    // Without the network the failure is the only line, not a "0%" before it.
    private static Progress onceBytesArrive(Progress inner) {
        return new Progress() {
            private boolean started;

            @Override public void update(String file, long done, long total) {
                started |= done > 0;
                if (started) inner.update(file, done, total);
            }

            @Override public void end(String file, long done, long total) {
                if (started || done > 0) inner.end(file, done, total);
                started = false;
            }
        };
    }

    /** {@code $XDG_CACHE_HOME/vigil}, else {@code ~/.cache/vigil}: outside the source tree, kept across clones. */
    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "vigil");
        return Path.of(System.getProperty("user.home"), ".cache", "vigil");
    }

    public Path cache() { return cache; }

    /** Every file of the catalogs, once each (two models share imagenet_labels.txt). */
    public static List<Artifact> artifacts() {
        Map<String, Artifact> all = new LinkedHashMap<>();
        for (ModelEntry m : Catalog.builtinModels().entries().values()) {
            all.putIfAbsent(m.folder() + "/" + m.file(), m);
            m.labelFile().ifPresent(l -> all.putIfAbsent(l.folder() + "/" + l.file(), l));
        }
        for (ImageEntry i : Catalog.builtinImages().entries().values()) all.putIfAbsent(i.folder() + "/" + i.file(), i);
        return List.copyOf(all.values());
    }

    /** The bytes of every catalog file: the first download, as the README states it. */
    public static long totalBytes() {
        return artifacts().stream().mapToLong(Artifact::size).sum();
    }

    /** The folder holding every catalog file, the mirror or the cache; fetches what is missing. */
    public Path resolveAll() {
        List<Artifact> all = artifacts();
        if (mirror != null && all.stream().allMatch(a -> checks.holds(inFolder(mirror, a), a))) return mirror;
        List<Artifact> missing = new ArrayList<>();
        for (Artifact a : all) {
            if (!checks.holds(inFolder(cache, a), a)) missing.add(a);
        }
        for (int i = 0; i < missing.size(); i++) {
            Artifact a = missing.get(i);
            Path dir = cache.resolve(a.folder());
            Path copy = mirrorCopy(a);
            try {
                if (copy != null) downloader.copy(a, copy, dir);
                else downloader.download(a, dir);
            } catch (CatalogException e) {
                throw unavailable(missing.subList(i, missing.size()), e);
            }
        }
        return cache;
    }

    private Path mirrorCopy(Artifact a) {
        if (mirror == null) return null;
        for (Path p : List.of(inFolder(mirror, a), mirror.resolve(a.file()))) {
            if (checks.holds(p, a)) return p;
        }
        return null;
    }

    private static Path inFolder(Path dir, Artifact a) {
        return dir.resolve(a.folder()).resolve(a.file());
    }

    // One line: what is missing, why the download failed, and the two ways to provide it.
    private TestDataException unavailable(List<Artifact> left, CatalogException e) {
        long bytes = left.stream().mapToLong(Artifact::size).sum();
        String why = e.getMessage().replaceFirst("; check the network.*$", "");
        String where = mirror == null ? "no mirror is set" : "the mirror " + mirror + " (" + mirrorSetting + ") lacks them";
        return new TestDataException("test data missing: " + left.size() + (left.size() == 1 ? " catalog file (" : " catalog files (")
                + Progress.amount(bytes) + ", first " + left.getFirst().file() + (left.size() == 1 ? ") is" : ") are") + " not in " + cache + " and "
                + where + "; " + why + ". Give this machine the network (they are downloaded once, into " + cache
                + ") or set VIGIL_MIRROR=<folder> holding models/ and test-images/");
    }

    /** The test data cannot be had: its message is the one line to show. */
    public static final class TestDataException extends IllegalStateException {
        TestDataException(String message) {
            super(message);
        }
    }
}
