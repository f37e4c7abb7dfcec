package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.Main;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The self-test on the real detector with the shared photos: a truncated file, a model of another input size or type,
 * and the same detector with its labels shuffled are each refused with one line while the live model runs on; the
 * shuffled one goes in when the change is declared deliberate. Over the CLI and the HTTP API, as a user would.
 */
class SelfTestRefusalTest {

    @TempDir
    Path tmp;

    static final String TOKEN = "c3dhcHRlc3R0b2tlbjEyMzQ1Njc4OTBhYmNkZWZnaGlq";
    static final ObjectMapper JSON = new ObjectMapper();

    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        CommandLine c = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        c.setOut(new PrintWriter(out));
        c.setErr(new PrintWriter(err));
        int code = c.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    @Test
    void truncatedOtherInputAndDisagreeingModelsAreRefusedAndTheLiveModelRunsOn() throws Exception {
        Path token = Files.writeString(tmp.resolve("http-token"), TOKEN + "\n");
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
                      person: { labels: [person], min_score: 0.5 }
                      animal: { labels: [cat, dog, sheep, horse], min_score: 0.5 }
                """.formatted(tmp.resolve("events"), token, TestData.images().toAbsolutePath());
        Path configFile = Files.writeString(tmp.resolve("vigil.yaml"), yaml);
        VigilConfig cfg = ConfigLoader.load(configFile);
        Path detector = TestData.model(TestData.DETECTOR);
        byte[] bytes = Files.readAllBytes(detector);
        Path truncated = Files.write(tmp.resolve("truncated.tflite"), Arrays.copyOf(bytes, bytes.length / 3));
        // The same network whose label file is rotated by one: class 0 is called what class 1 is, and so on. A few bytes
        // after the flatbuffer (which TFLite ignores) keep the store from taking the file for the catalog's model.
        byte[] retrained = Arrays.copyOf(bytes, bytes.length + 16);
        Path shuffled = Files.write(tmp.resolve("shuffled.tflite"), retrained);
        List<String> labels = new ArrayList<>(Files.readAllLines(TestData.model("coco_labels.txt")));
        labels.add(labels.removeFirst());
        Files.write(tmp.resolve("shuffled.txt"), labels);

        try (Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()))) {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (v.models().referenceFrames() < 6) {
                assertTrue(System.nanoTime() < end, "reference frames: " + v.models().referenceFrames() + ", " + v.cameraStats());
                Thread.sleep(100);
            }
            String port = Integer.toString(v.http().port());
            String[] to = {"--to", "127.0.0.1:" + port, "--token-file", token.toString()};

            Cli t = cli(concat(new String[] {"models", "deploy", truncated.toString()}, to));
            assertEquals(1, t.code(), t.out() + t.err());
            assertTrue(t.err().startsWith("vigil: model " + truncated + " cannot be loaded: "), t.err());
            assertEquals(1, t.err().strip().lines().count(), "one line: " + t.err());

            DeployResult other = v.deployModel(new DeployRequest("mobilenet_v2_quant", false, "test"));
            assertFalse(other.switched());
            assertTrue(other.message().contains("takes input uint8[1, 224, 224, 3], the pipeline gives uint8[1, 300, 300, 3]"), other.message());

            DeployResult floats = v.deployModel(new DeployRequest("ssd_mobilenet_v2_oidv4", false, "test"));
            assertFalse(floats.switched());
            assertTrue(floats.message().contains("takes input float32[1, 300, 300, 3], the pipeline gives uint8[1, 300, 300, 3]"), floats.message());

            HttpResponse<String> disagree = post(port, "{\"model\": \"" + shuffled + "\"}");
            assertEquals(409, disagree.statusCode(), disagree.body());
            JsonNode d = JSON.readTree(disagree.body());
            assertFalse(d.get("ok").asBoolean());
            assertTrue(d.get("message").asText().contains("failed its self-test: it agrees with ssd_mobilenet_v1_coco_quant"), disagree.body());
            assertTrue(d.get("agreement") == null, "a refusal reports no switch: " + disagree.body());
            assertEquals("ssd_mobilenet_v1_coco_quant", d.get("model").get("name").asText(), "the live model runs on");
            assertEquals("ssd_mobilenet_v1_coco_quant", v.model().name());

            long before = v.frames().processed("door");
            Thread.sleep(500);
            assertTrue(v.frames().processed("door") > before, "frames flow on after the refusals");
            JsonNode status = status(port);
            assertEquals("ssd_mobilenet_v1_coco_quant", status.at("/model/name").asText());
            assertTrue(status.get("previous_model").isNull());
            assertFalse(status.at("/last_deploy/ok").asBoolean());

            Cli deliberate = cli(concat(new String[] {"models", "deploy", shuffled.toString(), "--accept-disagreement"}, to));
            assertEquals(0, deliberate.code(), deliberate.out() + deliberate.err());
            assertTrue(deliberate.out().startsWith("switched to shuffled.tflite ("), deliberate.out());
            assertEquals("shuffled.tflite", v.model().name());
            status = status(port);
            assertEquals("shuffled.tflite", status.at("/model/name").asText());
            assertEquals(retrained.length, status.at("/model/size_bytes").asLong());
            assertEquals("ssd_mobilenet_v1_coco_quant", status.at("/previous_model/name").asText());
            String metrics = get(port, "/metrics");
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_model_info{") && l.contains("name=\"shuffled.tflite\"")
                    && l.contains("size_bytes=\"" + retrained.length + "\"") && l.endsWith(" 1")), metrics);
            assertEquals(1, metrics.lines().filter(l -> l.startsWith("vigil_model_info{")).count(), "only the live model");
            assertTrue(metrics.contains("vigil_model_deploys_total{result=\"refused\"} 4.0"), metrics);

            // Back to the catalog's detector, known by its bytes: its golden images from the catalog are run too.
            DeployResult back = v.deployModel(new DeployRequest("ssd_mobilenet_v1_coco_quant", true, "test"));
            assertTrue(back.switched(), back.message());
            assertTrue(back.message().contains(", 3 golden images seen right); "), back.message());
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> post(String port, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/models/deploy")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String get(String port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonNode status(String port) throws Exception { return JSON.readTree(get(port, "/api/status")); }
}
