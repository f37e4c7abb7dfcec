package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.model.Artifact;
import dev.vigil.model.Downloader;
import dev.vigil.model.Progress;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestDataResolver.TestDataException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fresh-clone path of the test data: no mirror, the catalog's URLs answered by a local server (the test-only base
 * URL), the cache in a temporary folder. CI runs this class once more with the real mirror hidden.
 */
class TestDataResolutionTest {

    @TempDir Path tmp;

    private HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** URL paths served with their first byte changed. */
    private final Set<String> damaged = ConcurrentHashMap.newKeySet();
    private URI base;

    private static final List<Artifact> ALL = TestDataResolver.artifacts();

    private static String urlPath(Artifact a) { return a.url().getRawPath(); }

    // Every catalog file under its URL's path, with the bytes the tests use (the mirror's, or the cache's when hidden).
    @BeforeEach
    void serveTheCatalogFiles() throws IOException {
        Map<String, Path> files = ALL.stream().collect(Collectors.toMap(TestDataResolutionTest::urlPath,
                a -> TestData.shared().resolve(a.folder()).resolve(a.file())));
        assertEquals(ALL.size(), files.size(), "every catalog file has its own URL path");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                Path file = files.get(path);
                if (file == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] bytes = Files.readAllBytes(file);
                if (damaged.contains(path)) bytes[0] ^= 0x01;
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        // The links go before JUnit cleans up, which would warn about each one pointing outside the temporary folder.
        Path mirror = tmp.resolve("mirror");
        if (Files.isDirectory(mirror)) {
            try (Stream<Path> s = Files.walk(mirror)) {
                for (Path p : s.filter(Files::isSymbolicLink).toList()) Files.delete(p);
            }
        }
    }

    private TestDataResolver resolver(Path cache, Path mirror) {
        Downloader d = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10), Progress.silent()).withBaseUrl(base);
        return new TestDataResolver(cache, mirror, "test mirror", d);
    }

    private int requestCount() {
        return requests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    @Test
    void withoutAMirrorEveryFileIsFetchedOnceVerifiedAndCached() throws IOException {
        Path cache = tmp.resolve("cache");
        assertEquals(cache, resolver(cache, null).resolveAll());
        for (Artifact a : ALL) {
            assertEquals(1, requests.get(urlPath(a)).get(), "requests for " + a.file());
            Path cached = cache.resolve(a.folder()).resolve(a.file());
            assertEquals(a.sha256(), Sha256.compute(cached), "cached " + a.file());
        }
        assertEquals(ALL.size(), requestCount());

        assertEquals(cache, resolver(cache, null).resolveAll(), "a later run");
        assertEquals(ALL.size(), requestCount(), "a second resolution makes no request");
    }

    @Test
    void aFileServedWithOneWrongByteIsRefusedAndNotCached() throws IOException {
        Path cache = tmp.resolve("cache");
        Artifact photo = ALL.stream().filter(a -> a.file().equals("grace_hopper.bmp")).findFirst().orElseThrow();
        damaged.add(urlPath(photo));
        TestDataException e = assertThrows(TestDataException.class, () -> resolver(cache, null).resolveAll());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("grace_hopper.bmp") && e.getMessage().contains("sha256"), e.getMessage());
        assertFalse(Files.exists(cache.resolve("test-images/grace_hopper.bmp")), "the wrong bytes are not cached");
        assertEquals(List.of(), leftovers(cache));
        assertEquals(ALL.indexOf(photo) + 1, requestCount(), "the files before it, and it, once each");

        damaged.clear();
        int before = requestCount();
        resolver(cache, null).resolveAll();
        assertEquals(2, requests.get(urlPath(photo)).get(), "fetched again once served right");
        assertEquals(ALL.size() - ALL.indexOf(photo), requestCount() - before, "only the photo and what came after it");
        assertEquals(photo.sha256(), Sha256.compute(cache.resolve("test-images/grace_hopper.bmp")));
    }

    @Test
    void aMirrorWithEveryFileIsUsedInPlaceWithoutARequest() throws IOException {
        Path mirror = linkedMirror(ALL);
        Path cache = tmp.resolve("cache");
        assertEquals(mirror, resolver(cache, mirror).resolveAll());
        assertEquals(0, requestCount());
        assertFalse(Files.exists(cache.resolve("models")), "nothing copied into the cache");
    }

    @Test
    void whatAMirrorLacksIsDownloadedAndTheRestCopiedSoOneFolderHoldsAll() throws IOException {
        Artifact lacking = ALL.getLast();
        Path mirror = linkedMirror(ALL.subList(0, ALL.size() - 1));
        Path cache = tmp.resolve("cache");
        assertEquals(cache, resolver(cache, mirror).resolveAll());
        assertEquals(Map.of(urlPath(lacking), 1), requests.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, en -> en.getValue().get())));
        for (Artifact a : ALL) assertEquals(a.sha256(), Sha256.compute(cache.resolve(a.folder()).resolve(a.file())));
    }

    @Test
    void theReadmeStatesTheFirstDownloadAsTheCatalogsAddUp() throws IOException {
        String readme = Files.readString(TestData.root().resolve("README.md"));
        String size = Progress.amount(TestDataResolver.totalBytes());
        assertTrue(readme.contains(ALL.size() + " files, " + size), "README.md should say " + ALL.size() + " files, " + size);
    }

    /** What the build's step before the tests prints with neither a mirror nor a reachable server: one line, exit 1. */
    @Test
    void withNeitherMirrorNorNetworkTheCheckStopsWithOneLineNamingBothFixes() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-Dvigil.mirror=none",
                "-Dvigil.test.base-url=http://127.0.0.1:" + closed, "-Dvigil.root=" + TestData.root().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), TestDataCheck.class.getName())
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("empty-cache").toString());
        pb.environment().remove("VIGIL_MIRROR");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check ends");
        String err = Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        String line = lines.getFirst();
        assertTrue(line.startsWith("test data missing: " + ALL.size() + " catalog files"), line);
        assertTrue(line.contains(tmp.resolve("empty-cache").resolve("vigil").toString()), "names the cache: " + line);
        assertTrue(line.contains("network") && line.contains("VIGIL_MIRROR=<folder>"), "names both fixes: " + line);
        assertEquals("", Files.readString(tmp.resolve("out")));
    }

    private Path linkedMirror(List<Artifact> files) throws IOException {
        Path mirror = tmp.resolve("mirror");
        for (Artifact a : files) {
            Path link = mirror.resolve(a.folder()).resolve(a.file());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, TestData.shared().resolve(a.folder()).resolve(a.file()).toAbsolutePath());
        }
        return mirror;
    }
}
