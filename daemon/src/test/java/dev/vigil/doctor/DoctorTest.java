package dev.vigil.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.doctor.Doctor.Check;
import dev.vigil.doctor.Doctor.Status;
import dev.vigil.inference.EdgeTpu;
import dev.vigil.model.ModelStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor on fixture roots: a Pi-like machine with a Coral, a UVC camera, GPIO chips and power sensors. */
class DoctorTest {

    @TempDir
    Path tmp;
    Path root, bin;
    Host host;

    static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    static void tool(Path p, String script) throws IOException {
        write(p, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @BeforeEach
    void machine() throws IOException {
        root = tmp.resolve("root");
        bin = tmp.resolve("bin");
        write(root.resolve("sys/bus/usb/devices/2-1/idVendor"), "18d1\n");
        write(root.resolve("sys/bus/usb/devices/2-1/idProduct"), "9302\n");
        write(root.resolve("sys/bus/usb/devices/2-1:1.0/bInterfaceClass"), "ff\n"); // an interface: no ids
        write(root.resolve("sys/bus/usb/devices/1-1.3/idVendor"), "046d\n");
        write(root.resolve("sys/bus/usb/devices/1-1.3/idProduct"), "0825\n");
        write(root.resolve("sys/bus/usb/devices/1-1.3/product"), "Webcam C270\n");
        for (String d : new String[] {"video0", "video1", "video10", "gpiochip0", "gpiochip4", "apex_0"}) write(root.resolve("dev/" + d), "");
        write(root.resolve("sys/class/video4linux/video0/name"), "UVC Camera (046d:0825)\n");
        write(root.resolve("sys/class/video4linux/video1/name"), "UVC Camera (046d:0825)\n");
        write(root.resolve("sys/class/hwmon/hwmon0/name"), "ina3221\n");
        write(root.resolve("sys/class/hwmon/hwmon0/in1_input"), "5080\n");
        write(root.resolve("sys/class/hwmon/hwmon0/curr1_input"), "812\n");
        write(root.resolve("sys/class/hwmon/hwmon1/name"), "rpi_volt\n"); // an alarm only: not a power sensor
        write(root.resolve("sys/class/hwmon/hwmon1/in0_lcrit_alarm"), "0\n");
        write(root.resolve("sys/class/powercap/intel-rapl:0/name"), "package-0\n");
        write(root.resolve("sys/class/powercap/intel-rapl:0/energy_uj"), "123456\n");
        write(root.resolve("sys/class/powercap/intel-rapl:0:0/energy_uj"), "1\n"); // a sub-zone of the package
        // v4l2-ctl as v4l-utils prints it: the capture node has formats, the metadata node none.
        tool(bin.resolve("v4l2-ctl"), """
                case "$2" in
                  */video0) printf "ioctl: VIDIOC_ENUM_FMT\\n\\tType: Video Capture\\n\\n\\t[0]: 'MJPG' (Motion-JPEG, compressed)\\n\\t[1]: 'YUYV' (YUYV 4:2:2)\\n" ;;
                  */video1) printf "ioctl: VIDIOC_ENUM_FMT\\n\\tType: Video Capture\\n\\n" ;;
                  *) exit 1 ;;
                esac
                """);
        tool(bin.resolve("vcgencmd"), "exit 0\n");
        host = new Host(root, List.of(bin));
    }

    VigilConfig config(String delegate, String source) {
        return ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                delegate: %s
                http: { listen: "127.0.0.1:0" }
                events: { dir: /var/lib/vigil/events }
                cameras:
                  door:
                    source: %s
                    groups: { person: { labels: [person] } }
                """.formatted(delegate, source), tmp, Map.of());
    }

    static final EdgeTpu.Probe NO_RUNTIME = new EdgeTpu.Probe("libedgetpu.so.1", false, null, List.of(), "libedgetpu.so.1 is not installed");

    @Test
    void findsTheCoralsTheCamerasTheGpioChipsAndThePowerSensors() {
        assertEquals(List.of(new Host.UsbDevice("046d:0825", "Webcam C270"), new Host.UsbDevice("18d1:9302", null)), host.usbDevices());
        assertEquals(List.of(new Host.UsbDevice("18d1:9302", null)), host.corals());

        List<Check> tpu = Doctor.edgeTpu(host, NO_RUNTIME, Optional.empty());
        assertEquals(new Check("coral usb", Status.OK, "18d1:9302 (firmware loaded)", ""), tpu.get(0));
        assertEquals(new Check("coral pcie", Status.OK, "/dev/apex_0", ""), tpu.get(1));
        assertEquals(Status.ABSENT, tpu.get(2).status(), "no runtime, not needed: " + tpu.get(2));

        assertEquals("video0 (UVC Camera (046d:0825): MJPG YUYV), video1 (UVC Camera (046d:0825): no capture formats), video10 (?)",
                Doctor.cameras(host).detail());
        assertEquals("gpiochip0, gpiochip4", Doctor.gpio(host).detail());
        assertEquals("hwmon hwmon0 (ina3221), rapl intel-rapl:0 (package-0), vcgencmd vcgencmd pmic_read_adc", Doctor.power(host).detail());
    }

    @Test
    void anEmptyMachineHasNothingAndThatIsNoFailure() throws IOException {
        Host bare = new Host(Files.createDirectories(tmp.resolve("bare")), List.of());
        assertEquals(Status.ABSENT, Doctor.cameras(bare).status());
        assertEquals(Status.ABSENT, Doctor.gpio(bare).status());
        assertEquals(Status.ABSENT, Doctor.power(bare).status());
        assertTrue(Doctor.edgeTpu(bare, NO_RUNTIME, Optional.empty()).stream().noneMatch(Check::failed));
        String withoutTool = Doctor.cameras(new Host(root, List.of())).detail();
        assertTrue(withoutTool.startsWith("video0 (UVC Camera (046d:0825)), ") && withoutTool.endsWith("; formats: install v4l-utils (v4l2-ctl) to list them"),
                withoutTool);
    }

    @Test
    void anEdgeTpuDelegateWithoutItsRuntimeFails() {
        List<Check> tpu = Doctor.edgeTpu(host, NO_RUNTIME, Optional.of(config("edgetpu", "{ device: /dev/video0 }")));
        Check c = tpu.get(2);
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.remedy().contains("libedgetpu1-std"), c.remedy());
    }

    @Test
    void aConfigOnAnEngineThatIsNotHereFailsWithTheEngineLine() {
        assertEquals(new Check("engines", Status.OK, "tflite", ""), Doctor.engines(Optional.empty()));
        VigilConfig djl = ConfigLoader.parse("""
                engine: djl
                cameras: { door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } } }
                """, tmp, Map.of());
        Check c = Doctor.engines(Optional.of(djl));
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.detail().startsWith("tflite; engine: djl is not available "), c.detail());
        assertTrue(c.detail().endsWith("; use engine: tflite"), c.detail());
    }

    @Test
    void theConfigsCameraIsCheckedAgainstTheMachine() {
        Check ok = Doctor.camera(host, config("cpu", "{ device: /dev/video0, pixel_format: mjpeg }").cameras().get("door"));
        assertEquals(new Check("camera door", Status.OK, "/dev/video0 (MJPG YUYV)", ""), ok);

        Check missing = Doctor.camera(host, config("cpu", "{ device: /dev/video7 }").cameras().get("door"));
        assertEquals(Status.FAIL, missing.status());
        assertEquals("/dev/video7 not found", missing.detail());
        assertEquals("plug the camera in, or set cameras.door.source.device to one `v4l2-ctl --list-devices` lists", missing.remedy());

        Check meta = Doctor.camera(host, config("cpu", "{ device: /dev/video1 }").cameras().get("door"));
        assertEquals("/dev/video1 has no capture formats (a metadata or codec node)", meta.detail());

        Host yuyvOnly = new Host(root, List.of());
        Check noFormats = Doctor.camera(yuyvOnly, config("cpu", "{ device: /dev/video0, pixel_format: yuyv }").cameras().get("door"));
        assertEquals(Status.OK, noFormats.status(), "without v4l2-ctl the formats are not known: " + noFormats);

        Check rpicam = Doctor.camera(host, config("cpu", "{ command: [rpicam-vid, -t, '0', -o, '-'] }").cameras().get("door"));
        assertEquals("command rpicam-vid not found", rpicam.detail());
        Check folder = Doctor.camera(host, config("cpu", "{ folder: /srv/replay, fps: 1 }").cameras().get("door"));
        assertEquals("folder /srv/replay not found", folder.detail());
    }

    @Test
    void aPixelFormatTheCameraDoesNotOfferFailsWithTheOneItDoes() throws IOException {
        tool(bin.resolve("v4l2-ctl"), "printf \"\\t[0]: 'YUYV' (YUYV 4:2:2)\\n\"\n");
        Check c = Doctor.camera(host, config("cpu", "{ device: /dev/video0, pixel_format: mjpeg }").cameras().get("door"));
        assertEquals(new Check("camera door", Status.FAIL, "/dev/video0 offers YUYV, not MJPG", "set cameras.door.source.pixel_format to yuyv"), c);
    }

    @Test
    void theEventsDirectoryMustBeWritableOrCreatable() throws IOException {
        assertEquals(new Check("events dir", Status.OK, "/var/lib/vigil/events (created on start)", ""),
                Doctor.eventsDir(host, Path.of("/var/lib/vigil/events")));
        Files.createDirectories(root.resolve("var/lib/vigil/events"));
        assertEquals("/var/lib/vigil/events writable", Doctor.eventsDir(host, Path.of("/var/lib/vigil/events")).detail());
        write(root.resolve("srv/events"), "a file, not a directory");
        assertEquals(Status.FAIL, Doctor.eventsDir(host, Path.of("/srv/events")).status());
        Check under = Doctor.eventsDir(host, Path.of("/srv/events/door"));
        assertEquals(Status.FAIL, under.status());
        assertEquals("/srv/events/door cannot be created (/srv/events is not writable for this user)", under.detail());
    }

    @Test
    void aPortInUseNamesItsOwnerAndVigilItselfIsFine() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = s.getLocalPort();
            // The machine itself: the listener is this test's JVM, found through /proc.
            Check taken = Doctor.port(Host.system(), "127.0.0.1", port);
            assertEquals(Status.FAIL, taken.status(), taken.toString());
            assertTrue(taken.detail().startsWith("127.0.0.1:" + port + " in use by pid " + ProcessHandle.current().pid() + " ("), taken.detail());
            assertEquals("stop that process or set http.listen to another port", taken.remedy());

            // A fixture /proc where the listener is the vigil service.
            String hexPort = String.format("%04X", port);
            write(root.resolve("proc/net/tcp"), """
                      sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                       0: 0100007F:%s 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 424242 1 0000000000000000 100 0 0 10 0
                    """.formatted(hexPort));
            write(root.resolve("proc/4242/cmdline"), "/usr/lib/jvm/temurin-25-jre/bin/java\0-jar\0/usr/lib/vigil/vigil.jar\0run\0");
            Files.createDirectories(root.resolve("proc/4242/fd"));
            Files.createSymbolicLink(root.resolve("proc/4242/fd/17"), Path.of("socket:[424242]"));
            assertEquals(new Check("http port", Status.OK, "127.0.0.1:" + port + " in use by vigil itself (pid 4242)", ""),
                    Doctor.port(host, "127.0.0.1", port));
        }
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        assertEquals(Status.OK, Doctor.port(host, "127.0.0.1", free).status());
        assertEquals(Status.FAIL, Doctor.port(host, "no-such-host.invalid", 8089).status());
    }

    @Test
    void theModelIsFoundInTheStoreOrTheMirror() {
        Check m = Doctor.model(host, config("cpu", "{ device: /dev/video0 }"), ModelStore.fromEnvironment());
        assertEquals(Status.OK, m.status());
        assertTrue(m.detail().startsWith("ssd_mobilenet_v1_coco_quant (") && m.detail().endsWith("ssd_mobilenet_v1_coco_quant_postprocess.tflite)"), m.detail());
    }

    @Test
    void aLabelTheModelDoesNotHaveFailsWithTheClosestOne() {
        Check ok = Doctor.labels(config("cpu", "{ device: /dev/video0 }"), ModelStore.fromEnvironment());
        assertEquals(Status.OK, ok.status(), ok.detail());
        assertEquals("every group and QC label is one of the 90 of ssd_mobilenet_v1_coco_quant", ok.detail());
        VigilConfig typo = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                cameras:
                  door:
                    source: { device: /dev/video0 }
                    groups: { person: { labels: [persn] } }
                """, tmp, Map.of());
        Check bad = Doctor.labels(typo, ModelStore.fromEnvironment());
        assertEquals(Status.FAIL, bad.status());
        assertEquals("cameras.door.groups.person.labels: \"persn\" is not a label of ssd_mobilenet_v1_coco_quant; did you mean \"person\"?",
                bad.detail());
    }
}
