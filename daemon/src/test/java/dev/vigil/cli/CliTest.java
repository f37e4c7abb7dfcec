package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.testing.BadImages;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI's machine-readable output and exit codes are a contract. */
class CliTest {

    record Run(int code, String out, String err) {
        List<JsonNode> lines() {
            ObjectMapper m = new ObjectMapper();
            return out.lines().map(l -> {
                try {
                    return m.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + l, e);
                }
            }).toList();
        }
    }

    static Run run(String... args) {
        CommandLine cli = Main.commandLine(args); // as Main.execute builds it
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path tmp;

    @Test
    void classifyJsonHasOneLinePerImage() {
        Run r = run("classify", "--model", TestData.model(TestData.CLASSIFIER).toString(), "--labels",
                TestData.model("imagenet_labels.txt").toString(), "--top", "3", "--json",
                TestData.image("grace_hopper.bmp").toString(), TestData.image("hot_dog.jpg").toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = r.lines();
        assertEquals(2, lines.size());
        JsonNode g = lines.get(0);
        assertTrue(g.get("image").asText().endsWith("grace_hopper.bmp"));
        assertEquals(3, g.get("top").size());
        assertEquals(653, g.get("top").get(0).get("index").asInt());
        assertEquals("military uniform", g.get("top").get(0).get("label").asText());
        double s = g.get("top").get(0).get("score").asDouble();
        assertTrue(s > 0.8 && s < 0.97, "score " + s);
        assertTrue(g.get("inference_ms").asDouble() > 0);
    }

    @Test
    void detectJsonHasLabelIndexScoreAndNormalizedBox() {
        Run r = run("detect", "--model", TestData.model(TestData.DETECTOR).toString(), "--labels",
                TestData.model("coco_labels.txt").toString(), "--min-score", "0.5", "--json", TestData.image("chelsea.png").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode d = r.lines().get(0).get("detections").get(0);
        assertEquals("cat", d.get("label").asText());
        assertEquals(16, d.get("index").asInt());
        assertEquals(4, d.get("box").size());
        for (JsonNode v : d.get("box")) assertTrue(v.asDouble() >= 0 && v.asDouble() <= 1);
        assertTrue(r.lines().get(0).has("inference_ms"));
    }

    @Test
    void aCorruptImageGetsAnErrorLineAndExitOneWhileTheOthersAreProcessed() throws Exception {
        Path bad = Files.write(tmp.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Run r = run("detect", "--model", TestData.model(TestData.DETECTOR).toString(), "--json", bad.toString(),
                TestData.image("cat.bmp").toString(), tmp.resolve("missing.png").toString());
        assertEquals(1, r.code());
        List<JsonNode> lines = r.lines();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).get("error").asText().contains("cannot decode"));
        assertTrue(lines.get(1).get("detections").size() >= 1);
        assertTrue(lines.get(2).get("error").asText().contains("no such file"));
    }

    @Test
    void oversizedBombAndTruncatedImagesGetOneErrorLineEachAndTheBatchGoesOn() throws Exception {
        BadImages.corpus(tmp);
        Run r = run("classify", "--model", TestData.model(TestData.CLASSIFIER).toString(), "--json", tmp.toString());
        assertEquals(1, r.code(), r.err());
        List<JsonNode> lines = r.lines();
        assertEquals(BadImages.GOOD.size() + BadImages.BAD.size(), lines.size());
        for (JsonNode l : lines) {
            String name = Path.of(l.get("image").asText()).getFileName().toString();
            if (BadImages.BAD.contains(name)) {
                assertTrue(l.has("error") && !l.has("top"), l.toString());
                assertEquals(1, l.get("error").asText().lines().count(), l.toString());
            } else {
                assertTrue(BadImages.GOOD.contains(name), name);
                assertTrue(l.get("top").size() >= 1, l.toString());
            }
        }
        assertTrue(lines.get(1).get("error").asText().contains("100000x100000"), lines.get(1).toString());
        assertTrue(lines.get(7).get("error").asText().contains("over the limit of 16777216"), lines.get(7).toString());
        assertTrue(lines.get(5).get("error").asText().startsWith("cannot decode image"), lines.get(5).toString());
    }

    @Test
    void theCliPixelCapIsAnOption() throws Exception {
        Run r = run("detect", "--model", TestData.model(TestData.DETECTOR).toString(), "--json", "--max-image-pixels", "1000",
                TestData.image("cat.bmp").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.lines().getFirst().get("error").asText().contains("over the limit of 1000"), r.out());
        assertEquals(2, run("detect", "--max-image-pixels", "0", TestData.image("cat.bmp").toString()).code());
    }

    @Test
    void unloadableModelsExitThreeWithOneLine() throws Exception {
        Path junk = Files.write(tmp.resolve("junk.tflite"), new byte[1000]);
        for (String model : new String[] {junk.toString(), TestData.model(TestData.CLASSIFIER_EDGETPU).toString(), tmp.resolve("none.tflite").toString()}) {
            Run r = run("classify", "--model", model, TestData.image("cat.bmp").toString());
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().startsWith("vigil: "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("classify", "--model", "no_such_catalog_name", TestData.image("cat.bmp").toString()).code());
        assertEquals(2, run("classify", "--top", "0", TestData.image("cat.bmp").toString()).code());
        assertEquals(2, run("detect", "--model", TestData.model(TestData.DETECTOR).toString(), "--min-score", "7",
                TestData.image("cat.bmp").toString()).code());
        Run r = run("classify", "--model", TestData.model(TestData.CLASSIFIER).toString(), "--delegate", "gpu",
                TestData.image("cat.bmp").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("vigil: ") && r.err().contains("delegate"), r.err());
        assertEquals(2, run("frobnicate").code());
    }

    @Test
    void benchPrintsTheContractFields() {
        Run r = run("bench", "--model", TestData.model(TestData.CLASSIFIER).toString(), "--images", TestData.images().toString(),
                "--frames", "20", "--warmup", "5", "--threads", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode b = r.lines().get(0);
        for (String f : new String[] {"model", "frames", "threads", "fps", "e2e_ms", "latency_ms", "invoke_ms", "invoke_p99_ms", "alloc_bytes_per_frame", "rss_mb"})
            assertTrue(b.has(f), "missing " + f + " in " + b);
        assertEquals(20, b.get("frames").asInt());
        assertTrue(b.get("latency_ms").asDouble() >= b.get("invoke_ms").asDouble());
        assertTrue(b.get("alloc_bytes_per_frame").asDouble() >= 0);
        Run seq = run("bench", "--model", TestData.model(TestData.DETECTOR).toString(), "--images", TestData.images().toString(),
                "--frames", "10", "--warmup", "2", "--sequential", "--json");
        assertEquals(0, seq.code(), seq.err());
        JsonNode s = seq.lines().get(0);
        assertTrue(s.get("e2e_ms").asDouble() >= s.get("invoke_ms").asDouble() + s.get("preprocess_ms").asDouble() * 0.9, s.toString());
    }

    @Test
    void benchWithoutImagesRunsOverTheTestImageCatalog() {
        Run r = run("bench", "--mirror", TestData.shared().toString(), "--frames", "5", "--warmup", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode b = r.lines().get(0);
        assertEquals(5, b.get("frames").asInt());
        assertEquals(TestData.DETECTOR, b.get("model").asText(), "the default detector: " + b);
    }

    @Test
    void withoutArgumentsDetectRunsTheDefaultDetectorOverTheTestImageCatalog() {
        Run r = run("detect", "--json", "--mirror", TestData.shared().toString());
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = r.lines();
        assertEquals(10, lines.size());
        JsonNode hopper = lines.stream().filter(l -> l.get("image").asText().endsWith("grace_hopper.bmp")).findFirst().orElseThrow();
        assertEquals("person", hopper.get("detections").get(0).get("label").asText());
    }

    @Test
    void catalogNamesWorkAsModels() {
        Run r = run("classify", "--model", "mobilenet_v2_quant", "--mirror", TestData.shared().toString(), "--top", "1", "--json",
                TestData.image("hot_dog.jpg").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.lines().get(0).get("top").get(0).get("label").asText().startsWith("hotdog"));
        Run raw = run("detect", "--model", "ssd_mobilenet_v2_oidv4", "--mirror", TestData.shared().toString(), "--min-score", "0.4",
                "--json", TestData.image("chelsea.png").toString());
        assertEquals(0, raw.code(), raw.err());
        JsonNode cat = raw.lines().get(0).get("detections").get(0);
        assertEquals("Cat", cat.get("label").asText());
        assertTrue(cat.get("score").asDouble() > 0.75 && cat.get("score").asDouble() < 0.95, cat.toString());
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String[] cmd : new String[][] {{"run"}, {"detect"}, {"classify"}, {"bench"}, {"eval"}, {"models", "list"}, {"check-config"}, {"doctor"}}) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--help";
            Run r = run(args);
            assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: vigil " + String.join(" ", cmd)), r.out());
        }
    }

    @Test
    void versionAndDoctor() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("vigil "), v.out());
        Run d = run("doctor");
        assertTrue(d.out().contains("tensorflow lite") && d.out().contains("2.20"), d.out());
    }

    @Test
    void onlyTheInvokedSubcommandIsBuiltAndHelpListsThemAll() {
        assertEquals(List.of("detect"), List.copyOf(Main.commandLine(new String[] {"detect", "--json"}).getSubcommands().keySet()));
        assertEquals(List.of("run", "classify", "detect", "bench", "eval", "models", "images", "check-config", "doctor", "gpio", "token", "reload", "dataset", "learn", "aot-train", "help"),
                List.copyOf(Main.commandLine(new String[] {"--help"}).getSubcommands().keySet()));
        assertTrue(Main.commandLine(new String[] {"--version"}).getSubcommands().isEmpty());
        Run version = run("--version");
        assertTrue(version.out().startsWith("vigil "), version.out());
        Run typo = run("detetc");
        assertEquals(Main.EXIT_USAGE, typo.code());
        assertTrue(typo.err().startsWith("vigil: Unmatched argument at index 0: 'detetc'"), typo.err());
        Run help = run("--help");
        assertTrue(help.out().contains("check-config") && !help.out().contains("aot-train"), help.out());
    }
}
