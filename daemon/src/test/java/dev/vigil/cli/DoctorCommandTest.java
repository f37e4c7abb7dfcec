package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vigil doctor`'s table and exit code: 1 exactly when something the config needs is missing. */
class DoctorCommandTest {

    @TempDir
    Path tmp;

    static final String SERVICE_CONFIG = """
            model: ssd_mobilenet_v1_coco_quant
            http: { listen: "127.0.0.1:0" }
            events: { dir: /var/lib/vigil/events }
            cameras:
              usb:
                source: { device: /dev/video0, width: 640, height: 480, fps: 15 }
                groups: { person: { labels: [person] } }
            """;

    @Test
    void theServiceConfigIsCheckedByDefaultAndAMissingCameraFailsWithItsRemedy() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("etc/vigil"));
        Files.writeString(root.resolve("etc/vigil/vigil.yaml"), SERVICE_CONFIG);

        CliTest.Run r = CliTest.run("doctor", "--root", root.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\ncamera usb       FAIL /dev/video0 not found  -> plug the camera in, or set cameras.usb.source.device"), r.out());
        assertTrue(r.out().contains("\nconfig           ok   " + root.resolve("etc/vigil/vigil.yaml") + ": 1 camera: usb (device /dev/video0"), r.out());
        assertEquals(1, r.out().lines().filter(l -> l.contains(" FAIL ")).count(), "only the camera fails:\n" + r.out());

        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/video0"), "");
        CliTest.Run ok = CliTest.run("doctor", "--root", root.toString());
        assertEquals(0, ok.code(), ok.out());
        assertTrue(ok.out().contains("\ncamera usb       ok   /dev/video0"), ok.out());
        assertTrue(ok.out().contains("\ncameras          ok   video0 (?)"), ok.out());
    }

    @Test
    void aBrokenConfigFailsAndWithoutAConfigOnlyThePlatformIsChecked() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "cameras: { door: { source: { device: /dev/video0 } } }\nthreads: many\n");
        CliTest.Run r = CliTest.run("doctor", "--config", bad.toString(), "--root", tmp.resolve("empty").toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("\nconfig           FAIL " + bad + ": threads: "), r.out());

        CliTest.Run none = CliTest.run("doctor", "--root", tmp.resolve("empty").toString());
        assertEquals(0, none.code(), none.out());
        assertTrue(none.out().contains("\nconfig           -    none given and no /etc/vigil/vigil.yaml"), none.out());
        for (String line : new String[] {"java ", "architecture ", "tensorflow lite ", "xnnpack ", "engines ", "coral usb ", "coral pcie ",
                "edge tpu ", "cameras ", "gpio chips ", "power sensors "})
            assertTrue(none.out().lines().anyMatch(l -> l.startsWith(line)), line + " missing:\n" + none.out());
    }
}
