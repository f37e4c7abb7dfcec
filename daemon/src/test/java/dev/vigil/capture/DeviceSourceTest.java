package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** No V4L2 camera exists on CI machines: what can be checked is the way to FFmpeg's video4linux2 input and the failure. */
class DeviceSourceTest {

    @Test
    void absentCameraStaysDownWithTheReasonAndWaitsForItsDeviceNode() throws Exception {
        Path dev = Path.of("/dev/video63");
        assertTrue(!Files.exists(dev), dev + " exists on this machine; the test needs an absent device");
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (Camera cam = Camera.start("usb", new SourceSpec.Device(dev.toString(), 640, 480, 15, "mjpeg"),
                Camera.Options.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(100))
                        .withListener((c, from, to, why) -> { if (to == CameraState.DOWN) reasons.add(why); }))) {
            assertEquals("device /dev/video63", cam.description());
            assertTrue(Fixtures.await(Duration.ofSeconds(5), () -> reasons.size() >= 2), cam.stats().toString());
            assertTrue(reasons.getFirst().startsWith("cannot open: No such file or directory"), reasons.getFirst());
            // Unplugged: the node is looked for every second; FFmpeg opens again only once it is back.
            assertTrue(reasons.get(1).endsWith("; probing every 1.0 s until it answers"), reasons.get(1));
            assertEquals(0, cam.stats().reconnects());
        }
    }

    @Test
    void pixelFormatIsMjpegOrYuyv() {
        ConfigException e = assertThrows(ConfigException.class, () -> new SourceSpec.Device("/dev/video0", 0, 0, 0, "h265"));
        assertEquals("pixel_format: \"h265\" is not one of mjpeg, yuyv", e.getMessage(), "the spec refuses it, for the config and for code");
        Sources.create("usb", new SourceSpec.Device("/dev/video0", 0, 0, 0, "YUYV"), Duration.ofSeconds(1)).close();
        Sources.create("usb", new SourceSpec.Device("/dev/video0", 0, 0, 0, null), Duration.ofSeconds(1)).close();
    }
}
