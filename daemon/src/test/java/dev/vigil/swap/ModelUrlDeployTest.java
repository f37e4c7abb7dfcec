package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that comes back from a server: {@code vigil models deploy URL --sha256 HEX} (or {@code URL#sha256=HEX}) has
 * the daemon download it into its model store, check the hash, and deploy it with the self-test; a wrong sha256 is
 * refused in one line and nothing is kept. The real detector, served over HTTP on 127.0.0.1 port 0.
 */
class ModelUrlDeployTest {

    @TempDir
    Path tmp;

    @Test
    void aModelFromAUrlIsCheckedThenDeployedAndAWrongSha256IsRefused() throws Exception {
        Path token = Files.writeString(tmp.resolve("http-token"), SelfTestRefusalTest.TOKEN + "\n");
        String yaml = """
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                models: { probation_s: 30 }
                cameras:
                  door:
                    source: { folder: %s, fps: 8, loop: true }
                    groups:
                      animal: { labels: [cat, dog, sheep, horse], min_score: 0.5 }
                """.formatted(tmp.resolve("events"), token, TestData.images().toAbsolutePath());
        VigilConfig cfg = ConfigLoader.load(Files.writeString(tmp.resolve("vigil.yaml"), yaml));
        Path detector = TestData.model(TestData.DETECTOR);
        String sha = Sha256.of(detector);
        AtomicInteger served = new AtomicInteger();
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/models/detector.tflite", x -> {
            served.incrementAndGet();
            byte[] body = Files.readAllBytes(detector);
            x.sendResponseHeaders(200, body.length);
            try (var out = x.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/models/detector.tflite";
        ModelStore store = ModelStore.fromEnvironment();
        Path kept = store.home().resolve("models/url").resolve(sha + ".tflite");
        Files.deleteIfExists(kept);
        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(store))) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (v.models().referenceFrames() < 6) {
                assertTrue(System.nanoTime() < end, "reference frames: " + v.models().referenceFrames());
                Thread.sleep(100);
            }
            String[] to = {"--to", "127.0.0.1:" + v.http().port(), "--token-file", token.toString()};
            String wrong = "0".repeat(64);

            var refused = SelfTestRefusalTest.cli(SelfTestRefusalTest.concat(new String[] {"models", "deploy", url, "--sha256", wrong}, to));
            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertEquals("vigil: model " + url + "#sha256=" + wrong + " cannot be loaded: model " + url + " has sha256 " + sha + ", not the "
                    + wrong + " given; refused (a changed or damaged file, or the wrong sha256)", refused.err().strip());
            assertFalse(Files.exists(store.home().resolve("models/url").resolve(wrong + ".tflite")));
            assertEquals(1, served.get());

            var unchecked = SelfTestRefusalTest.cli(SelfTestRefusalTest.concat(new String[] {"models", "deploy", url}, to));
            assertEquals(1, unchecked.code(), unchecked.out() + unchecked.err());
            assertTrue(unchecked.err().contains("give its sha256 (64 hex digits)"), unchecked.err());
            assertEquals(1, served.get(), "nothing is downloaded without a sha256");

            var ok = SelfTestRefusalTest.cli(SelfTestRefusalTest.concat(new String[] {"models", "deploy", url + "#sha256=" + sha}, to));
            assertEquals(0, ok.code(), ok.out() + ok.err());
            assertTrue(ok.out().startsWith("switched to ssd_mobilenet_v1_coco_quant"), ok.out());
            assertEquals(sha, Sha256.of(kept), "downloaded into the model store and kept under its sha256");
            assertEquals(2, served.get());
        } finally {
            web.stop(0);
        }
    }
}
