package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.model.CatalogException;
import dev.vigil.model.ModelStore;
import dev.vigil.model.ResolvedModel;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A catalog model given by path with one byte flipped: {@code vigil models verify FILE} says MISMATCH naming both
 * hashes and the entry, and loading it is refused (exit 3) unless {@code --allow-modified-model}.
 */
class ModifiedModelTest {

    static final String FILE = "ssd_mobilenet_v1_coco_quant_postprocess.tflite";
    static final String EXPECTED = "e4b118e5e4531945de2e659742c7c590f7536f8d0ed26d135abcfe83b4779d13";

    @TempDir Path tmp;
    Path intact, flipped;
    String flippedSha;

    @BeforeEach
    void copies() throws Exception {
        byte[] bytes = Files.readAllBytes(TestData.model(FILE));
        intact = Files.write(Files.createDirectories(tmp.resolve("intact")).resolve(FILE), bytes);
        bytes[bytes.length / 2] ^= 0x10; // a weight, as a bad SD card sector would change it
        flipped = Files.write(Files.createDirectories(tmp.resolve("flipped")).resolve(FILE), bytes);
        flippedSha = Sha256.compute(flipped);
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine(args);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void verifyOfAFlippedCopyIsAMismatchNamingBothHashesAndTheEntry() {
        Run r = run("models", "verify", flipped.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("MISMATCH  model file " + flipped + " is named like catalog model ssd_mobilenet_v1_coco_quant but its sha256 is "
                + flippedSha + ", expected " + EXPECTED + ": it may be corrupt or modified; pull the catalog copy"
                + " (`vigil models pull ssd_mobilenet_v1_coco_quant`)\n", r.out());
    }

    @Test
    void verifyOfAnIntactCopyIsOkAndOfAnotherNameIsNotInTheCatalog() throws Exception {
        Run ok = run("models", "verify", intact.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertEquals("ok        " + intact + ": sha256 " + EXPECTED + " is catalog model ssd_mobilenet_v1_coco_quant\n", ok.out());

        Path mine = Files.copy(flipped, tmp.resolve("my_detector.tflite"));
        Run unknown = run("models", "verify", mine.toString());
        assertEquals(0, unknown.code(), unknown.out() + unknown.err());
        assertEquals("unknown   " + mine + ": sha256 " + flippedSha + " is not in the catalog (no entry has its name or its bytes)\n",
                unknown.out());

        Run missing = run("models", "verify", tmp.resolve("none.tflite").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("none.tflite does not exist"), missing.err());
    }

    @Test
    void detectRefusesTheFlippedModelWithExit3() {
        Run r = run("detect", "--model", flipped.toString(), TestData.image("grace_hopper.bmp").toString());
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("", r.out());
        assertEquals("vigil: model file " + flipped + " is named like catalog model ssd_mobilenet_v1_coco_quant but its sha256 is "
                + flippedSha + ", expected " + EXPECTED + ": it may be corrupt or modified; pull the catalog copy (`vigil models pull"
                + " ssd_mobilenet_v1_coco_quant`), rename the file if it is another model, or pass --allow-modified-model\n", r.err());
        Run intactRun = run("detect", "--model", intact.toString(), "--json", TestData.image("grace_hopper.bmp").toString());
        assertEquals(0, intactRun.code(), intactRun.err());
        assertTrue(intactRun.out().contains("\"label\":\"person\""), intactRun.out());
    }

    @Test
    void allowedTheFlippedModelLoadsAsItsCatalogEntryWithAWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(ModelStore.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            ModelStore store = ModelStore.fromEnvironment();
            CatalogException e = assertThrows(CatalogException.class, () -> store.resolve(flipped.toString()));
            assertEquals(3, e.exitCode());
            ResolvedModel m = store.allowingModifiedModels(true).resolve(flipped.toString());
            assertEquals("ssd_mobilenet_v1_coco_quant", m.entry().orElseThrow().name());
            assertEquals(1, logged.list.stream().filter(l -> l.getLevel() == Level.WARN).count());
            assertEquals("model file " + flipped + " is named like catalog model ssd_mobilenet_v1_coco_quant but its sha256 is "
                    + flippedSha + ", expected " + EXPECTED + ": it may be corrupt or modified; loading it as"
                    + " ssd_mobilenet_v1_coco_quant because modified models are allowed", logged.list.getLast().getFormattedMessage());
            Run r = run("detect", "--allow-modified-model", "--model", flipped.toString(), "--json", TestData.image("grace_hopper.bmp").toString());
            assertEquals(0, r.code(), r.err());
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void checkConfigRefusesTheFlippedModelAsRunWouldAndAMissingFileToo() throws Exception {
        Files.createDirectories(tmp.resolve("yard"));
        String camera = "http: { listen: \"127.0.0.1:0\" }\ncameras: { door: { source: { folder: yard }, groups: { person: { labels: [person] } } } }\n";
        Path cfg = Files.writeString(tmp.resolve("flipped.yaml"), "model: " + flipped + "\n" + camera);
        Run r = run("check-config", cfg.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(cfg + ": model: model file " + flipped + " is named like catalog model ssd_mobilenet_v1_coco_quant but its"
                + " sha256 is " + flippedSha + ", expected " + EXPECTED + ": it may be corrupt or modified; pull the catalog copy"
                + " (`vigil models pull ssd_mobilenet_v1_coco_quant`), rename the file if it is another model, or pass"
                + " --allow-modified-model\n", r.err());
        Run allowed = run("check-config", "--allow-modified-model", cfg.toString());
        assertEquals(0, allowed.code(), allowed.err());

        Path missing = Files.writeString(tmp.resolve("missing.yaml"), "model: gone/detector.tflite\n" + camera);
        Run m = run("check-config", missing.toString());
        assertEquals(2, m.code(), m.err());
        assertTrue(m.err().startsWith(missing + ": model: model file " + tmp.resolve("gone/detector.tflite") + " does not exist;"), m.err());
    }
}
