package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.model.Catalog;
import dev.vigil.model.Downloader;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil check-config FILE}: the ok line or the one error line, exit 0 or 2, and never a password. */
class CheckConfigCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = new CommandLine(new CheckConfigCommand());
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path tmp;

    @Test
    void aGoodFileIsOkWithItsCameras() {
        Path file = TestData.root().resolve("config/factory-line.yaml");
        Run r = run(file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(file + ": ok (1 camera: line1 (device /dev/video0 640x480 30 fps mjpeg))\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void theOkLineMasksCredentials() throws Exception {
        Path file = tmp.resolve("door.yaml");
        Files.writeString(file, """
                cameras:
                  door:
                    source: { stream: "rtsp://user:hunter2@192.168.1.20/stream1" }
                    groups: { person: { labels: [person] } }
                  yard:
                    source: { folder: yard }
                    groups: { person: { labels: [person] } }
                """);
        Run r = run(file.toString(), "--print");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(file + ": ok (2 cameras: door (stream rtsp://user:***@192.168.1.20/stream1), yard (folder "
                + tmp.toAbsolutePath().resolve("yard") + " 5 fps))\n"), r.out());
        assertFalse(r.out().contains("hunter2"), r.out());
        String printed = r.out().substring(r.out().indexOf('\n') + 1);
        assertEquals(2, ConfigLoader.parse(printed, tmp, Map.of()).cameras().size(), "--print writes a config that reads back");
    }

    @Test
    void aBadFileIsOneLineAndExit2() throws Exception {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, """
                cameras:
                  door:
                    source: { folder: x }
                    groups:
                      person: { labels: [person], min_score: 1.5 }
                """);
        Run r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(file + ": cameras.door.groups.person.min_score: 1.5 is not within 0..1\n", r.err());
    }

    @Test
    void aDeprecatedKeyIsOneWarningLineAndStillOk() throws Exception {
        Path file = tmp.resolve("old.yaml");
        Files.writeString(file, """
                cameras:
                  door:
                    source: { folder: x }
                    groups: { person: { labels: [person] } }
                gpio:
                  mock: true
                  alarm: { cooldown_s: 5 }
                """);
        Run r = run(file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(file + ": warning: gpio.alarm is deprecated: move it to the top-level alarm:\n", r.err());
        assertTrue(r.out().startsWith(file + ": ok ("), r.out());
    }

    @Test
    void aMissingFileIsExit2() {
        Run r = run(tmp.resolve("none.yaml").toString());
        assertEquals(2, r.code());
        assertEquals(tmp.resolve("none.yaml") + ": no such file; give an existing YAML file (see config/ for examples)\n", r.err());
    }

    @Test
    void helpNamesTheVariablesLiterally() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("every key, value and ${VAR}"), r.out());
    }

    static Run run(ModelStore store, String... args) {
        CheckConfigCommand cmd = new CheckConfigCommand();
        cmd.store = store;
        CommandLine cli = new CommandLine(cmd);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Path doorbell(String labels) throws Exception {
        return Files.writeString(tmp.resolve("door.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                cameras:
                  door:
                    source: { folder: yard }
                    groups: { person: { labels: %s } }
                """.formatted(labels));
    }

    @Test
    void aLabelTheModelDoesNotHaveIsRefusedWithTheClosestOne() throws Exception {
        Path file = doorbell("[persn]");
        Run r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(file + ": cameras.door.groups.person.labels: \"persn\" is not a label of ssd_mobilenet_v1_coco_quant;"
                + " did you mean \"person\"?\n", r.err());
        Run fixed = run(doorbell("[person]").toString());
        assertEquals(0, fixed.code(), fixed.err());
        assertEquals("", fixed.err());
    }

    @Test
    void aModelNotDownloadedYetIsAWarningAndTheLabelsAreNotChecked() throws Exception {
        ModelStore empty = new ModelStore(tmp.resolve("home"), null, Catalog.builtinModels(), Catalog.builtinImages(), Downloader.standard());
        Path file = doorbell("[persn]");
        Run r = run(empty, file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(file + ": warning: model ssd_mobilenet_v1_coco_quant is not downloaded yet"
                + " (`vigil models pull ssd_mobilenet_v1_coco_quant`); its labels are not checked\n", r.err());
        assertFalse(Files.exists(tmp.resolve("home/models")), "check-config downloads nothing");
    }

    @Test
    void aLabelsFileInTheConfigIsTheOneChecked() throws Exception {
        Path labels = Files.write(tmp.resolve("mine.txt"), java.util.List.of("persn", "car"));
        Path file = Files.writeString(tmp.resolve("mine.yaml"), """
                model: ssd_mobilenet_v1_coco_quant
                labels: %s
                cameras:
                  door:
                    source: { folder: yard }
                    groups: { person: { labels: [person] } }
                """.formatted(labels));
        Run r = run(file.toString());
        assertEquals(2, r.code());
        assertEquals(file + ": cameras.door.groups.person.labels: \"person\" is not a label of ssd_mobilenet_v1_coco_quant;"
                + " did you mean \"persn\"?\n", r.err());
    }
}
