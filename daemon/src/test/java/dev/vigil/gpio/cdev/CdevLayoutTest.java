package dev.vigil.gpio.cdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.gpio.GpioException;
import dev.vigil.gpio.Pi4jPins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFM view of {@code <linux/gpio.h>} against the header itself (compiled with gcc, as CI installs it), and the
 * errors of the character device path on a machine without a GPIO chip.
 */
class CdevLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void structOffsetsAndIoctlNumbersMatchTheKernelHeader() throws Exception {
        Path c = tmp.resolve("layout.c");
        Files.writeString(c, """
                #include <linux/gpio.h>
                #include <stddef.h>
                #include <stdio.h>
                int main(void) {
                  printf("%zu %zu %zu %zu %zu %zu %zu %zu\\n", sizeof(struct gpiochip_info), sizeof(struct gpio_v2_line_request),
                    offsetof(struct gpio_v2_line_request, consumer), offsetof(struct gpio_v2_line_request, config),
                    offsetof(struct gpio_v2_line_request, num_lines), offsetof(struct gpio_v2_line_request, fd),
                    sizeof(struct gpio_v2_line_config), sizeof(struct gpio_v2_line_event));
                  printf("%zu %zu %zu %zu\\n", offsetof(struct gpio_v2_line_config, num_attrs), offsetof(struct gpio_v2_line_config, attrs),
                    sizeof(struct gpio_v2_line_config_attribute), sizeof(struct gpio_v2_line_values));
                  printf("%lu %lu %lu %lu\\n", (unsigned long) GPIO_GET_CHIPINFO_IOCTL, (unsigned long) GPIO_V2_GET_LINE_IOCTL,
                    (unsigned long) GPIO_V2_LINE_GET_VALUES_IOCTL, (unsigned long) GPIO_V2_LINE_SET_VALUES_IOCTL);
                  printf("%llu %llu %llu %llu %llu %llu %llu %llu %d %d %d %d\\n", (unsigned long long) GPIO_V2_LINE_FLAG_ACTIVE_LOW,
                    (unsigned long long) GPIO_V2_LINE_FLAG_INPUT, (unsigned long long) GPIO_V2_LINE_FLAG_OUTPUT,
                    (unsigned long long) GPIO_V2_LINE_FLAG_EDGE_RISING, (unsigned long long) GPIO_V2_LINE_FLAG_EDGE_FALLING,
                    (unsigned long long) GPIO_V2_LINE_FLAG_BIAS_PULL_UP, (unsigned long long) GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN,
                    (unsigned long long) GPIO_V2_LINE_FLAG_BIAS_DISABLED, GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, GPIO_V2_LINE_ATTR_ID_DEBOUNCE,
                    GPIO_V2_LINE_EVENT_RISING_EDGE, GPIO_V2_LINE_EVENT_FALLING_EDGE);
                  return 0;
                }
                """);
        Path exe = tmp.resolve("layout");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-o", exe.toString(), c.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("gcc is needed to check the GPIO structs against <linux/gpio.h> (apt-get install gcc libc6-dev): " + e.getMessage());
        }
        String log = new String(gcc.getInputStream().readAllBytes());
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed (is linux-libc-dev installed?): " + log);
        Process run = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(run.getInputStream().readAllBytes()).lines().toList();
        assertTrue(run.waitFor(10, TimeUnit.SECONDS));
        assertEquals(List.of(
                Cdev.CHIPINFO_SIZE + " " + Cdev.REQUEST_SIZE + " " + Cdev.REQUEST_CONSUMER + " " + Cdev.REQUEST_CONFIG + " "
                        + Cdev.REQUEST_NUM_LINES + " " + Cdev.REQUEST_FD + " " + Cdev.CONFIG_SIZE + " " + Cdev.EVENT_SIZE,
                Cdev.CONFIG_NUM_ATTRS + " " + Cdev.CONFIG_ATTRS + " " + Cdev.CONFIG_ATTR_SIZE + " " + Cdev.VALUES_SIZE,
                Cdev.GPIO_GET_CHIPINFO_IOCTL + " " + Cdev.GPIO_V2_GET_LINE_IOCTL + " " + Cdev.GPIO_V2_LINE_GET_VALUES_IOCTL + " "
                        + Cdev.GPIO_V2_LINE_SET_VALUES_IOCTL,
                Cdev.FLAG_ACTIVE_LOW + " " + Cdev.FLAG_INPUT + " " + Cdev.FLAG_OUTPUT + " " + Cdev.FLAG_EDGE_RISING + " "
                        + Cdev.FLAG_EDGE_FALLING + " " + Cdev.FLAG_BIAS_PULL_UP + " " + Cdev.FLAG_BIAS_PULL_DOWN + " "
                        + Cdev.FLAG_BIAS_DISABLED + " " + Cdev.ATTR_ID_OUTPUT_VALUES + " " + Cdev.ATTR_ID_DEBOUNCE + " "
                        + Cdev.EVENT_RISING_EDGE + " " + Cdev.EVENT_FALLING_EDGE), lines);
    }

    @Test
    void aMissingChipIsOneLineNamingIt() {
        GpioException e = assertThrows(GpioException.class, () -> Pi4jPins.chip(tmp.resolve("gpiochip9")));
        assertEquals("gpio: cannot open " + tmp.resolve("gpiochip9") + ": No such file or directory", e.getMessage());
    }

    @Test
    void somethingThatIsNotAGpioChipIsRefusedByTheKernel() throws Exception {
        Path notAChip = Files.writeString(tmp.resolve("gpiochip0"), "x");
        GpioException e = assertThrows(GpioException.class, () -> Pi4jPins.chip(notAChip));
        assertEquals("gpio: GPIO_GET_CHIPINFO: Inappropriate ioctl for device", e.getMessage());
        int fd = Cdev.openChip(notAChip.toString());
        try {
            Cdev.CdevException le = assertThrows(Cdev.CdevException.class, () -> Cdev.requestLine(fd, 17, Cdev.FLAG_OUTPUT, false, 0, "vigil"));
            assertEquals("GPIO_V2_GET_LINE: Inappropriate ioctl for device", le.getMessage());
            assertEquals(25, le.errno());
        } finally {
            Cdev.close(fd);
        }
    }

    @Test
    void aMachineWithoutChipsListsNone() {
        assertEquals(List.of(), CdevChip.list(), "this machine (like CI) has no /dev/gpiochip*");
    }
}
