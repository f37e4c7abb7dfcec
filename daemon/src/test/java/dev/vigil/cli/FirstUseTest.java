package dev.vigil.cli;

import static dev.vigil.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user met on a first run: each message says once what to do next. */
class FirstUseTest {

    @TempDir
    Path tmp;

    @Test
    void vigilAlonePrintsTheCommandsOnceAndExits2() {
        CliTest.Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Usage: vigil [-hV] [COMMAND]"), r.err());
        assertFalse(r.err().contains("vigil vigil"), r.err());
        assertEquals(1, r.err().split("Usage:", -1).length - 1, "the usage once: " + r.err());
        assertTrue(r.err().contains("check-config"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void helpPrintsTheUsageOnStdoutAndHelpCommandPrintsThatCommands() {
        CliTest.Run r = run("help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: vigil [-hV] [COMMAND]"), r.out());
        assertEquals("", r.err());
        CliTest.Run d = run("help", "detect");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("Usage: vigil detect"), d.out());
    }

    @Test
    void aSubcommandsErrorPointsToItsOwnHelp() {
        CliTest.Run r = run("models", "pull");
        assertEquals(2, r.code());
        assertEquals("vigil: Missing required parameter: 'NAME' (see `vigil models pull --help`)", r.err().strip());
    }

    @Test
    void aConfigFileWithoutConfigIsAnsweredWithTheOption() {
        CliTest.Run r = run("run", "config.yaml");
        assertEquals(2, r.code());
        assertEquals("vigil: Unmatched argument at index 1: 'config.yaml'; to use it as the config, write --config config.yaml"
                + " (see `vigil run --help`)", r.err().strip());
    }

    @Test
    void checkConfigTakesConfigLikeTheOtherCommandsAndItsFileAsBefore() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("door.yaml"), """
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
                cameras:
                  door:
                    source: { folder: %s }
                    groups: { person: { labels: [person] } }
                """.formatted(tmp));
        CliTest.Run option = run("check-config", "--config", cfg.toString());
        CliTest.Run positional = run("check-config", cfg.toString());
        assertEquals(0, option.code(), option.err());
        assertEquals(cfg + ": ok (1 camera: door (folder " + tmp + " 5 fps))", option.out().strip());
        assertEquals(option.out(), positional.out());
        CliTest.Run none = run("check-config");
        assertEquals(2, none.code());
        assertEquals("vigil: a config file is needed: vigil check-config --config FILE", none.err().strip());
    }

    @Test
    void checkConfigPrintsEveryKeyWithItsDefaultWithoutAFile() {
        CliTest.Run r = run("check-config", "--print-defaults");
        assertEquals(0, r.code(), r.err());
        assertEquals(dev.vigil.config.ConfigReference.yaml(), r.out());
        assertTrue(r.out().contains("\n# CPU threads of inference\nthreads: 2\n"), r.out());
    }

    @Test
    void detectOnAClassifierSaysItIsAClassifierAndNamesClassify() {
        CliTest.Run r = run("detect", "--model", TestData.model(TestData.CLASSIFIER).toString(), TestData.image("grace_hopper.bmp").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(" is a classifier, not a detector (one output, "), r.err());
        assertTrue(r.err().strip().endsWith("; use `vigil classify` for it"), r.err());
        assertFalse(r.err().contains("decoding spec"), r.err());
    }

    @Test
    void classifyOnADetectorSaysItIsADetectorAndNamesDetect() {
        CliTest.Run r = run("classify", "--model", TestData.model(TestData.DETECTOR).toString(), TestData.image("grace_hopper.bmp").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(" is a detector, not a classifier (4 outputs); use `vigil detect` for it"), r.err());
    }

    @Test
    void runOnceEndsWithAReadableLinePerCameraAndJsonWithJson() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (String f : List.of("grace_hopper.bmp", "dog.bmp", "astronaut.png")) Files.copy(TestData.image(f), images.resolve(f));
        Files.writeString(images.resolve("notes.jpg"), "not an image");
        var cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                threads: 1
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 50 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    confirm: { frames: 1, of: 1 }
                    cooldown_s: 0
                    tracking: false
                """.formatted(tmp.resolve("events"), images), tmp, java.util.Map.of());
        Vigil v = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true).withHttp(false));
        try {
            assertTrue(v.awaitStopped(Duration.ofSeconds(60)));
        } finally {
            v.close();
        }
        List<OnceSummary> s = OnceSummary.of(v);
        long recorded = Files.readAllLines(tmp.resolve("events/events.jsonl")).size();
        assertTrue(recorded >= 2, "grace hopper and the astronaut are people: " + recorded);
        assertEquals("door: ended; 3 frames read, 3 analysed, 0 skipped, 0 dropped, 1 undecodable, 0 reconnects; " + recorded + " events",
                s.getFirst().text());
        assertEquals("{\"camera\":\"door\",\"state\":\"ended\",\"captured\":3,\"processed\":3,\"skipped\":0,\"dropped\":0,"
                + "\"undecodable\":1,\"reconnects\":0,\"events\":" + recorded + ",\"errors\":0}", s.getFirst().json());
        assertEquals(2, run("run", "--json").code(), "--json without --once");
    }
}
