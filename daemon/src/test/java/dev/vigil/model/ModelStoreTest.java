package dev.vigil.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {

    static final Path SHARED = TestData.shared();
    static final Path SHARED_MODELS = SHARED.resolve("models");
    static final String MOBILENET = "mobilenet_v2_1.0_224_quant.tflite";
    static final String MOBILENET_SHA = "7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776";

    @TempDir Path home;
    @TempDir Path scratch;

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stopServer() {
        release.countDown();
        if (server != null) server.stop(0);
    }

    private static final Downloader QUICK = new Downloader(Duration.ofSeconds(2), Duration.ofMillis(800), Progress.silent());

    private ModelStore store(ModelStore.Mirror mirror) {
        return new ModelStore(home, mirror, Catalog.builtinModels(), Catalog.builtinImages(), QUICK);
    }

    private ModelStore store(Catalog<ModelEntry> models, ModelStore.Mirror mirror) {
        return new ModelStore(home, mirror, models, Catalog.builtinImages(), QUICK);
    }

    private static ModelStore.Mirror sharedMirror() {
        return new ModelStore.Mirror(SHARED, "test");
    }

    /** The repository's catalog with every URL (each follows its file: line, perhaps after comments) replaced by {@code base} + file name. */
    static Catalog<ModelEntry> catalogServedFrom(String base) throws IOException {
        String yaml = Files.readString(CatalogTest.ROOT.resolve("models/catalog.yaml"))
                .replaceAll("file: (\\S+)\n((?: *#.*\n)*)( +)url: \\S+", "file: $1\n$2$3url: " + base + "$1");
        Catalog<ModelEntry> catalog = Catalog.models(yaml, "test");
        assertEquals(base + "oidv4_labelmap.txt", catalog.get("ssd_mobilenet_v2_oidv4").labels().url().toString());
        return catalog;
    }

    /** Serves the files of ../shared/models by name through {@code handler}, which may change bytes or behaviour. */
    private String serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                String name = exchange.getRequestURI().getPath().substring(1);
                Path file = SHARED_MODELS.resolve(name);
                if (!Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                handler.handle(exchange, name, Files.readAllBytes(file));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    interface Handler {
        void handle(HttpExchange exchange, String name, byte[] bytes) throws IOException, InterruptedException;
    }

    private static void send(HttpExchange exchange, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aNameResolvesToTheMirrorCopyInPlace() throws IOException {
        ResolvedModel m = store(sharedMirror()).resolve("mobilenet_v2_quant");
        assertEquals(SHARED_MODELS.resolve(MOBILENET), m.model());
        assertEquals(Optional.of(SHARED_MODELS.resolve("imagenet_labels.txt")), m.labels());
        assertEquals("mobilenet_v2_quant", m.entry().orElseThrow().name());
        assertEquals(List.of(), filesIn(home.resolve("models")), "nothing copied into the store");
    }

    @Test
    void aMirrorMayHoldTheFilesAtItsTop() throws IOException {
        Files.copy(SHARED_MODELS.resolve(MOBILENET), scratch.resolve(MOBILENET));
        Files.copy(SHARED_MODELS.resolve("imagenet_labels.txt"), scratch.resolve("imagenet_labels.txt"));
        ResolvedModel m = store(new ModelStore.Mirror(scratch, "test")).resolve("mobilenet_v2_quant");
        assertEquals(scratch.resolve(MOBILENET), m.model());
    }

    @Test
    void aCorruptMirrorCopyIsSkippedForAGoodOne() throws IOException {
        Path mirror = scratch.resolve("mirror");
        Files.createDirectories(mirror.resolve("models"));
        byte[] bytes = Files.readAllBytes(SHARED_MODELS.resolve(MOBILENET));
        bytes[bytes.length / 2] ^= 1;
        Files.write(mirror.resolve("models").resolve(MOBILENET), bytes);
        Files.copy(SHARED_MODELS.resolve(MOBILENET), mirror.resolve(MOBILENET));
        Files.copy(SHARED_MODELS.resolve("imagenet_labels.txt"), mirror.resolve("imagenet_labels.txt"));
        ResolvedModel m = store(new ModelStore.Mirror(mirror, "test")).resolve("mobilenet_v2_quant");
        assertEquals(mirror.resolve(MOBILENET), m.model());
    }

    @Test
    void aCorruptMirrorCopyIsSkippedAndTheUrlIsUsed() throws IOException {
        Path mirror = scratch.resolve("mirror");
        Files.createDirectories(mirror.resolve("models"));
        Files.writeString(mirror.resolve("models").resolve(MOBILENET), "not a model");
        Files.copy(SHARED_MODELS.resolve("imagenet_labels.txt"), mirror.resolve("models").resolve("imagenet_labels.txt"));
        Catalog<ModelEntry> fileUrls = catalogServedFrom(SHARED_MODELS.toAbsolutePath().toUri().toString());
        ResolvedModel m = store(fileUrls, new ModelStore.Mirror(mirror, "test")).resolve("mobilenet_v2_quant");
        assertEquals(home.resolve("models").resolve(MOBILENET), m.model());
        assertEquals(MOBILENET_SHA, Sha256.of(m.model()));
    }

    @Test
    void aDownloadIsVerifiedAndInstalledWithoutLeftovers() throws IOException {
        String base = serve((exchange, name, bytes) -> send(exchange, bytes));
        ModelStore store = store(catalogServedFrom(base), null);
        ResolvedModel m = store.resolve("mobilenet_v2_quant");
        Path installed = home.resolve("models").resolve(MOBILENET);
        assertEquals(installed, m.model());
        assertEquals(MOBILENET_SHA, Sha256.of(installed));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(installed)),
                "readable by a daemon running as another user");
        assertEquals(List.of(home.resolve("models/imagenet_labels.txt"), installed), filesIn(home.resolve("models")),
                "model and labels, no temporary files");
        assertEquals(2, requests.get());

        ResolvedModel again = store.resolve("mobilenet_v2_quant");
        assertEquals(installed, again.model());
        assertEquals(2, requests.get(), "the installed copy is used without asking the server");
    }

    @Test
    void wrongBytesAreRefusedNamingBothHashesAndNothingIsInstalled() throws IOException {
        String base = serve((exchange, name, bytes) -> {
            bytes[100] ^= 1;
            send(exchange, bytes);
        });
        ModelStore store = store(catalogServedFrom(base), null);
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("mobilenet_v2_quant"));
        assertEquals(CatalogException.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().startsWith("download of imagenet_labels.txt from " + base + "imagenet_labels.txt: sha256 "),
                e.getMessage());
        assertTrue(e.getMessage().contains("expected b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1"),
                e.getMessage());
        String actual = e.getMessage().replaceFirst(".*: sha256 ([0-9a-f]{64}) .*", "$1");
        assertEquals(64, actual.length());
        assertFalse(actual.startsWith("b8aaeb56"), e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve("models")), "no file and no temporary file left");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        String base = serve((exchange, name, bytes) -> release.await(30, TimeUnit.SECONDS));
        ModelStore store = store(catalogServedFrom(base), null);
        long t0 = System.nanoTime();
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("mobilenet_v2_quant"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "gave up after " + ms + " ms");
        assertEquals("download of imagenet_labels.txt from " + base + "imagenet_labels.txt stalled: no data for 0.8 s after"
                + " 0 of 21686 bytes; check the network, or set VIGIL_MIRROR to a folder holding imagenet_labels.txt",
                e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve("models")));
    }

    @Test
    void aBodyThatStallsHalfwayTimesOut() throws IOException {
        String base = serve((exchange, name, bytes) -> {
            exchange.sendResponseHeaders(200, bytes.length);
            OutputStream out = exchange.getResponseBody();
            out.write(bytes, 0, bytes.length / 2);
            out.flush();
            release.await(30, TimeUnit.SECONDS);
        });
        ModelStore store = store(catalogServedFrom(base), null);
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("mobilenet_v2_quant"));
        assertTrue(e.getMessage().contains("imagenet_labels.txt stalled: no data for 0.8 s after 10843 of 21686 bytes"),
                e.getMessage());
        assertEquals(List.of(), filesIn(home.resolve("models")));
    }

    @Test
    void aMissingUrlIsAnHttpErrorNamingTheUrl() throws IOException {
        String base = serve((exchange, name, bytes) -> send(exchange, bytes));
        ModelStore store = store(catalogServedFrom(base + "gone/"), null);
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("ssd_mobilenet_v1_coco_quant"));
        assertEquals("download of coco_labels.txt from " + base + "gone/coco_labels.txt failed: HTTP 404; check the network,"
                + " or set VIGIL_MIRROR to a folder holding coco_labels.txt", e.getMessage());
    }

    @Test
    void aRefusedConnectionSaysItCouldNotConnect() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port + "/";
        ModelStore store = store(catalogServedFrom(base), null);
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("mobilenet_v2_quant"));
        assertEquals(CatalogException.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().startsWith("download of imagenet_labels.txt from " + base + "imagenet_labels.txt failed:"
                + " could not connect"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void homeAndMirrorComeFromSystemProperties() {
        String oldHome = System.getProperty("vigil.home"), oldMirror = System.getProperty("vigil.mirror");
        System.setProperty("vigil.home", home.toString());
        System.setProperty("vigil.mirror", SHARED.toString());
        try {
            ModelStore store = ModelStore.fromEnvironment();
            assertEquals(home, store.home());
            assertEquals(Optional.of(new ModelStore.Mirror(SHARED, "-Dvigil.mirror")), store.mirror());
            assertEquals(SHARED_MODELS.resolve(MOBILENET), store.resolve("mobilenet_v2_quant").model());
        } finally {
            // Put back what surefire set: later tests in this JVM rely on it.
            if (oldHome == null) System.clearProperty("vigil.home"); else System.setProperty("vigil.home", oldHome);
            if (oldMirror == null) System.clearProperty("vigil.mirror"); else System.setProperty("vigil.mirror", oldMirror);
        }
    }

    @Test
    void labelsWithoutUrlNeedAMirrorAndSaySoWhereToGetThem() throws IOException {
        // Every catalog file has a URL now; an entry may still give url: null with the origin a person can get it from.
        String yaml = Files.readString(CatalogTest.ROOT.resolve("models/catalog.yaml")).replaceFirst(
                "(?m)^(      file: oidv4_labelmap.txt\n)(?:      #.*\n)?      url: .*\n", "$1      url: null\n      origin: the objectron package\n");
        Catalog<ModelEntry> withoutUrl = Catalog.models(yaml, "test");
        CatalogException e = assertThrows(CatalogException.class, () -> store(withoutUrl, null).resolve("ssd_mobilenet_v2_oidv4"));
        assertEquals(CatalogException.UNAVAILABLE, e.exitCode());
        assertEquals("oidv4_labelmap.txt has no download URL: it ships in the objectron package;"
                + " put it in " + home.resolve("models") + " or in a mirror folder (VIGIL_MIRROR)", e.getMessage());
    }

    @Test
    void anUnknownNameListsTheCatalogNames() {
        CatalogException e = assertThrows(CatalogException.class, () -> store(sharedMirror()).resolve("yolov8"));
        assertEquals(CatalogException.UNKNOWN, e.exitCode());
        assertEquals("unknown model 'yolov8'; give a .tflite file or one of: mobilenet_v2_quant, mobilenet_v2_quant_edgetpu,"
                + " ssd_mobilenet_v1_coco_quant, ssd_mobilenet_v2_oidv4, mobilenet_v1_embedding_extractor", e.getMessage());
    }

    @Test
    void aMissingModelFileSaysSo() {
        CatalogException e = assertThrows(CatalogException.class, () -> store(sharedMirror()).resolve("/nowhere/x.tflite"));
        assertEquals(CatalogException.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().startsWith("model file /nowhere/x.tflite does not exist; "), e.getMessage());
    }

    @Test
    void aPlainPathWithCatalogBytesIsRecognizedAndBringsItsLabels() throws IOException {
        Path copy = scratch.resolve("my-detector.tflite");
        Files.copy(SHARED_MODELS.resolve("ssd_mobilenet_v1_coco_quant_postprocess.tflite"), copy);
        ResolvedModel m = store(sharedMirror()).resolve(copy.toString());
        assertEquals(copy, m.model());
        assertEquals("ssd_mobilenet_v1_coco_quant", m.displayName());
        assertEquals(Optional.of(SHARED_MODELS.resolve("coco_labels.txt")), m.labels());
    }

    @Test
    void aPlainUnknownModelTakesLabelsTxtBesideIt() throws IOException {
        Path model = scratch.resolve("custom.tflite");
        Files.writeString(model, "some other model");
        assertEquals(Optional.empty(), store(sharedMirror()).resolve(model.toString()).labels());
        Files.writeString(scratch.resolve("labels.txt"), "a\nb\n");
        ResolvedModel m = store(sharedMirror()).resolve(model.toString());
        assertEquals(Optional.of(scratch.resolve("labels.txt")), m.labels());
        assertEquals(Optional.empty(), m.entry());
        Files.writeString(scratch.resolve("custom.txt"), "a\nb\n");
        assertEquals(Optional.of(scratch.resolve("custom.txt")), store(sharedMirror()).resolve(model.toString()).labels());
    }

    @Test
    void aDamagedInstalledCopyIsReplaced() throws IOException {
        Path models = Files.createDirectories(home.resolve("models"));
        Files.writeString(models.resolve(MOBILENET), "truncated");
        Files.copy(SHARED_MODELS.resolve("imagenet_labels.txt"), models.resolve("imagenet_labels.txt"));
        String base = serve((exchange, name, bytes) -> send(exchange, bytes));
        ResolvedModel m = store(catalogServedFrom(base), null).resolve("mobilenet_v2_quant");
        assertEquals(MOBILENET_SHA, Sha256.of(m.model()));
        assertEquals(1, requests.get(), "only the damaged model was fetched");
    }

    @Test
    void theEdgeTpuEntryResolvesAndItsCpuModelToo() {
        ModelStore store = store(sharedMirror());
        ResolvedModel tpu = store.resolve("mobilenet_v2_quant_edgetpu");
        assertEquals(SHARED_MODELS.resolve("mobilenet_v2_1.0_224_quant_edgetpu.tflite"), tpu.model());
        ResolvedModel cpu = store.resolve(tpu.entry().orElseThrow().cpuModel());
        assertEquals(SHARED_MODELS.resolve(MOBILENET), cpu.model());
    }

    @Test
    void theDefaultModelIsTheCocoDetector() {
        assertEquals("ssd_mobilenet_v1_coco_quant", store(null).defaultModel().name());
    }

    @Test
    void aMirrorThatIsNotAFolderIsAConfigurationError() {
        ModelStore store = store(new ModelStore.Mirror(scratch.resolve("absent"), "VIGIL_MIRROR"));
        CatalogException e = assertThrows(CatalogException.class, () -> store.resolve("mobilenet_v2_quant"));
        assertEquals("mirror " + scratch.resolve("absent") + " (VIGIL_MIRROR) is not a folder; fix the path or unset it",
                e.getMessage());
    }

    @Test
    void allTestImagesLandInOneFolder() throws IOException {
        Path dir = scratch.resolve("images");
        assertEquals(dir, store(sharedMirror()).pullAllImages(dir));
        List<Path> files = filesIn(dir);
        assertEquals(10, files.size());
        for (ImageEntry image : Catalog.builtinImages().entries().values()) {
            assertEquals(image.sha256(), Sha256.of(dir.resolve(image.file())), image.name());
        }
    }

    @Test
    void locateAndVerifyReportEachCopy() throws IOException {
        Path mirror = scratch.resolve("mirror");
        Files.createDirectories(mirror.resolve("models"));
        Files.writeString(mirror.resolve("models").resolve(MOBILENET), "bad");
        Files.copy(SHARED_MODELS.resolve(MOBILENET), mirror.resolve(MOBILENET));
        ModelStore store = store(new ModelStore.Mirror(mirror, "test"));
        ModelEntry e = store.models().get("mobilenet_v2_quant");
        assertEquals(new ModelStore.Location(ModelStore.Status.MIRROR, Optional.of(mirror.resolve(MOBILENET))), store.locate(e));
        List<ModelStore.Check> checks = store.verify(e);
        assertEquals(List.of(false, true), checks.stream().map(ModelStore.Check::ok).toList());
        assertEquals(ModelStore.Status.MISSING, store.locate(e.labels()).status());
    }

    @Test
    void progressWithoutATerminalIsOneLinePerTenPercent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = Progress.lines(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        long total = 3_610_798;
        for (long done = 0; done < total; done += 25_000) p.update("m.tflite", done, total);
        p.end("m.tflite", total, total);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(11, lines.size(), lines.toString());
        assertEquals("m.tflite: 0% of 3.6 MB", lines.getFirst());
        assertEquals("m.tflite: 50% of 3.6 MB", lines.get(5));
        assertEquals("m.tflite: 100% of 3.6 MB", lines.getLast());
    }
}
