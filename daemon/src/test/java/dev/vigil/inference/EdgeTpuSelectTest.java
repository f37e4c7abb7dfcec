package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inference.EdgeTpu.Device;
import dev.vigil.inference.EdgeTpu.Type;
import dev.vigil.inference.EdgeTpu.Unavailable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device selection and the CPU-model naming rule, without any native library. */
class EdgeTpuSelectTest {

    private static final Device PCI0 = new Device(Type.PCI, 0, "/dev/apex_0");
    private static final Device USB0 = new Device(Type.USB, 0, "/sys/bus/usb/devices/2-1");
    private static final Device USB1 = new Device(Type.USB, 1, "/sys/bus/usb/devices/2-2");
    private static final List<Device> ALL = List.of(USB0, PCI0, USB1);

    @Test
    void emptyOrNullTakesTheFirstDeviceListed() {
        assertEquals(USB0, EdgeTpu.select(ALL, null));
        assertEquals(USB0, EdgeTpu.select(ALL, " "));
    }

    @Test
    void typeAloneTakesTheFirstOfThatType() {
        assertEquals(PCI0, EdgeTpu.select(ALL, "pci"));
        assertEquals(USB0, EdgeTpu.select(ALL, "usb"));
    }

    @Test
    void typeAndIndexCountWithinTheType() {
        assertEquals(USB1, EdgeTpu.select(ALL, "usb:1"));
        assertEquals(PCI0, EdgeTpu.select(ALL, "PCI:0"));
    }

    @Test
    void anythingElseMustBeAListedPath() {
        assertEquals(USB1, EdgeTpu.select(ALL, "/sys/bus/usb/devices/2-2"));
        Unavailable e = assertThrows(Unavailable.class, () -> EdgeTpu.select(ALL, "/dev/apex_7"));
        assertEquals(Unavailable.Reason.NO_SUCH_DEVICE, e.reason());
        assertTrue(e.getMessage().contains("found usb:0 (/sys/bus/usb/devices/2-1), pci:0 (/dev/apex_0), usb:1"), e.getMessage());
    }

    @Test
    void aMissingIndexNamesWhatIsThere() {
        Unavailable e = assertThrows(Unavailable.class, () -> EdgeTpu.select(List.of(USB0), "usb:1"));
        assertEquals("Edge TPU device \"usb:1\" not found; found usb:0 (/sys/bus/usb/devices/2-1)"
                + " (give usb, pci, usb:N, pci:N or one of those paths)", e.getMessage());
        assertThrows(Unavailable.class, () -> EdgeTpu.select(List.of(USB0), "pci"));
    }

    @Test
    void noDeviceAtAllSaysSo() {
        Unavailable e = assertThrows(Unavailable.class, () -> EdgeTpu.select(List.of(), "usb"));
        assertEquals(Unavailable.Reason.NO_DEVICE, e.reason());
        assertTrue(e.getMessage().startsWith("no Edge TPU found"), e.getMessage());
    }

    @Test
    void cpuBuildDropsTheEdgeTpuSuffix() {
        assertEquals("mobilenet_v2_1.0_224_quant.tflite", EdgeTpu.cpuModelName("mobilenet_v2_1.0_224_quant_edgetpu.tflite"));
        assertEquals("mobilenet_v2_quant", EdgeTpu.cpuModelName("mobilenet_v2_quant_edgetpu"));
        assertEquals("ssd.tflite", EdgeTpu.cpuModelName("ssd.tflite"));
    }
}
