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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
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

    /** The camera folders the configs below name exist, as they must for check-config to pass. */
    @BeforeEach
    void cameraFolders() throws Exception {
        Files.createDirectories(tmp.resolve("yard"));
        Files.createDirectories(tmp.resolve("x"));
    }

    @Test
    void aGoodFileIsOkWithItsCameras() throws Exception {
        // the example as deployed: its token file is where the package writes one, here a file of the test's own
        Path token = Files.writeString(tmp.resolve("http-token"), "0123456789abcdef0123456789abcdef\n");
        String example = Files.readString(TestData.root().resolve("config/factory-line.yaml"));
        assertTrue(example.contains("auth: token }"), "the example's http line changed: update this test");
        Path file = Files.writeString(tmp.resolve("factory-line.yaml"), example.replace("auth: token }", "auth: token, token_file: " + token + " }")
                .replace("0.0.0.0:8089", "0.0.0.0:0")); // port 0: what else listens here is not this test's business
        Run r = run(file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(file + ": ok (1 camera: line1 (device /dev/video0 640x480 30 fps mjpeg))\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void theOkLineMasksCredentials() throws Exception {
        Path file = tmp.resolve("door.yaml");
        Files.writeString(file, """
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
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
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
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
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
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
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
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
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
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

    // ---- what run would refuse on this machine (Preflight)

    @Test
    void aNetworkAddressWithoutItsTokenFileIsRefusedAsRunWouldRefuseIt() throws Exception {
        Path missing = tmp.resolve("no-token");
        Path file = Files.writeString(tmp.resolve("open.yaml"), """
                http: { listen: "0.0.0.0:0", token_file: %s }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: %s }
                    groups: { person: { labels: [person] } }
                """.formatted(missing, tmp.resolve("events"), tmp));
        Run r = run(file.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith(file + ": http.listen 0.0.0.0:0 is reachable from the network but http.token_file " + missing),
                r.err());
        assertTrue(r.err().contains("vigil token --rotate --file " + missing), r.err());
        Files.writeString(missing, "0123456789abcdef0123456789abcdef\n");
        Run ok = run(file.toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void anEventsDirWithAFileInItsPlaceAMissingFolderAndATakenPortAreOneLineEachAndExit2() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("events"), "a file where the events directory should be");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path file = Files.writeString(tmp.resolve("three.yaml"), """
                    http: { listen: "127.0.0.1:%d" }
                    events: { dir: %s }
                    cameras:
                      door:
                        source: { folder: %s }
                        groups: { person: { labels: [person] } }
                    """.formatted(port, notADir, tmp.resolve("no-such-folder")));
            Run r = run(file.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("", r.out());
            assertEquals(file + ": events.dir: " + notADir + " is a file, not a directory; remove the file or set events.dir to a directory\n"
                    + file + ": cameras.door.source.folder: " + tmp.resolve("no-such-folder") + " does not exist; create it or set the folder of a camera that exists\n"
                    + file + ": http.listen: 127.0.0.1:" + port + " is in use by another process (a vigil already running?); stop it or set http.listen to a free port\n",
                    r.err());
        }
    }

    @Test
    void anEventsDirUnderAFileCannotBeCreated() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "x");
        Path file = Files.writeString(tmp.resolve("under.yaml"), """
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { folder: yard }
                    groups: { person: { labels: [person] } }
                """.formatted(blocker.resolve("events")));
        Run r = run(file.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(file + ": events.dir: " + blocker.resolve("events") + " cannot be created: " + blocker
                + " is a file, not a directory; remove the file or set events.dir elsewhere\n", r.err());
        assertFalse(Files.isDirectory(blocker), "nothing was changed");
    }

    @Test
    void aMissingVideoFileIsRefusedAndACreatableEventsDirIsNotCreated() throws Exception {
        Path file = Files.writeString(tmp.resolve("video.yaml"), """
                http: { listen: "127.0.0.1:0" }
                events: { dir: %s }
                cameras:
                  door:
                    source: { file: gone.mp4 }
                    groups: { person: { labels: [person] } }
                """.formatted(tmp.resolve("new/events")));
        Run r = run(file.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(file + ": cameras.door.source.file: " + tmp.resolve("gone.mp4") + " does not exist; give an existing video file\n", r.err());
        assertFalse(Files.exists(tmp.resolve("new")), "check-config creates nothing");
    }

    @Test
    void aGroupThresholdBelowTheDetectorsDecodingFloorIsAWarningNotAChange() throws Exception {
        Path file = Files.writeString(tmp.resolve("oid.yaml"), """
                model: ssd_mobilenet_v2_oidv4
                http: { listen: "127.0.0.1:0" }
                cameras:
                  door:
                    source: { folder: yard }
                    groups: { person: { labels: [Person], min_score: 0.3 }, car: { labels: [Car], min_score: 0.5 } }
                """);
        Run r = run(file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(file + ": warning: cameras.door.groups.person.min_score 0.3 is below 0.4, the decoding min_score of"
                + " ssd_mobilenet_v2_oidv4: honoured, though this raw SSD's scores under it are mostly noise and take longer to decode\n",
                r.err());
    }
}
