package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.model.Catalog;
import dev.vigil.model.CatalogException;
import dev.vigil.model.Downloader;
import dev.vigil.model.ModelStore;
import dev.vigil.model.Progress;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CatalogCommandsTest {

    static final Path SHARED = TestData.shared();

    @TempDir Path home;
    @TempDir Path scratch;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private ModelStore store(Path mirror) {
        return new ModelStore(home, mirror == null ? null : new ModelStore.Mirror(mirror, "test"), Catalog.builtinModels(),
                Catalog.builtinImages(), new Downloader(Duration.ofSeconds(1), Duration.ofSeconds(1), Progress.silent()));
    }

    /** Runs a command the way the top-level vigil command does: CatalogException becomes "vigil: ..." and its code. */
    private int run(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (!(e instanceof CatalogException ce)) throw e;
            c.getErr().println("vigil: " + ce.getMessage());
            return ce.exitCode();
        });
        return cli.execute(args);
    }

    @Test
    void listJsonGivesOneObjectPerModelWithWhereItIs() throws IOException {
        assertEquals(0, run(new ModelsCommand(() -> store(SHARED)), "list", "--json"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(5, lines.size(), out.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode coco = json.readTree(lines.get(2));
        assertEquals("ssd_mobilenet_v1_coco_quant", coco.get("name").asText());
        assertEquals("detector", coco.get("kind").asText());
        assertEquals("mirror", coco.get("status").asText());
        assertTrue(coco.get("default").asBoolean());
        assertEquals(SHARED.resolve("models/ssd_mobilenet_v1_coco_quant_postprocess.tflite").toString(), coco.get("path").asText());
    }

    @Test
    void listTableMarksTheDefaultAndMissingModels() {
        assertEquals(0, run(new ModelsCommand(() -> store(null)), "list"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(6, lines.size());
        assertTrue(lines.get(0).startsWith("NAME"), lines.get(0));
        assertTrue(lines.get(3).matches("ssd_mobilenet_v1_coco_quant\\s+detector\\s+4\\.2 MB\\s+missing\\s+default"), lines.get(3));
    }

    @Test
    void theMirrorOptionWorksAfterTheSubcommand() {
        assertEquals(0, run(new ModelsCommand(() -> store(null)), "list", "--mirror", SHARED.toString()));
        assertTrue(out.toString().contains("mirror"), out.toString());
    }

    @Test
    void pullPrintsThePathOfEachModel() {
        assertEquals(0, run(new ModelsCommand(() -> store(SHARED)), "pull", "mobilenet_v2_quant", "ssd_mobilenet_v2_oidv4"));
        assertEquals(List.of(SHARED.resolve("models/mobilenet_v2_1.0_224_quant.tflite").toString(),
                SHARED.resolve("models/ssd_mobilenetv2_oidv4_fp16.tflite").toString()), out.toString().lines().toList());
    }

    @Test
    void pullOfAnUnknownNameExitsTwoListingTheNames() {
        assertEquals(2, run(new ModelsCommand(() -> store(SHARED)), "pull", "yolo"));
        assertEquals("vigil: unknown model 'yolo'; the catalog has: mobilenet_v2_quant, mobilenet_v2_quant_edgetpu,"
                + " ssd_mobilenet_v1_coco_quant, ssd_mobilenet_v2_oidv4, mobilenet_v1_embedding_extractor", err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void verifyPassesOnTheSharedMirror() {
        assertEquals(0, run(new ModelsCommand(() -> store(SHARED)), "verify"));
        assertTrue(out.toString().strip().endsWith("9 checked, 0 wrong"), out.toString());
    }

    @Test
    void verifyExitsOneNamingTheDamagedFile() throws IOException {
        Path damaged = Files.createDirectories(home.resolve("models")).resolve("coco_labels.txt");
        Files.writeString(damaged, "person\n");
        assertEquals(1, run(new ModelsCommand(() -> store(SHARED)), "verify", "ssd_mobilenet_v1_coco_quant"));
        assertTrue(out.toString().contains("MISMATCH  " + damaged + ": sha256 "), out.toString());
        assertTrue(out.toString().contains("expected dc183f003fc753c4c43fae6fdf7f387559449573f13fa32e517fb7453fd380f1"));
        assertTrue(out.toString().strip().endsWith("3 checked, 1 wrong"), out.toString());
    }

    @Test
    void modelsWithoutASubcommandIsAUsageError() {
        assertEquals(2, run(new ModelsCommand(() -> store(SHARED))));
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
    }

    @Test
    void imagesPullAllFillsOneFolder() throws IOException {
        Path dir = scratch.resolve("photos");
        assertEquals(0, run(new ImagesCommand(() -> store(SHARED)), "pull", "--all", "--into", dir.toString()));
        assertEquals(dir.toString(), out.toString().strip());
        try (var files = Files.list(dir)) {
            assertEquals(10, files.count());
        }
    }

    @Test
    void imagesPullWithoutNamesOrAllIsRefused() {
        assertEquals(2, run(new ImagesCommand(() -> store(SHARED)), "pull"));
        assertTrue(err.toString().startsWith("vigil: images pull: give image names or --all"), err.toString());
    }

    @Test
    void imagesListShowsTheDoorbellTags() {
        assertEquals(0, run(new ImagesCommand(() -> store(SHARED)), "list"));
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("grace_hopper\\s+0\\.9 MB\\s+mirror\\s+person\\s+one person.*")),
                out.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("person_dog_horse\\s.*person,animal.*")), out.toString());
    }

    @Test
    void imagesVerifyChecksTheMirror() {
        assertEquals(0, run(new ImagesCommand(() -> store(SHARED)), "verify"));
        assertTrue(out.toString().strip().endsWith("10 checked, 0 wrong"), out.toString());
    }
}
