package dev.vigil.gpio.cdev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** One open GPIO chip ({@code /dev/gpiochipN}); the lines requested from it outlive nothing of it but its descriptor. */
public final class CdevChip implements AutoCloseable {

    private final Path path;
    private final int fd;
    private final Cdev.ChipInfo info;
    private boolean closed;

    private CdevChip(Path path, int fd, Cdev.ChipInfo info) {
        this.path = path;
        this.fd = fd;
        this.info = info;
    }

    /** Opens a chip; a missing device or one that is not a GPIO chip is a {@link Cdev.CdevException}. */
    public static CdevChip open(Path path) {
        int fd = Cdev.openChip(path.toString());
        try {
            return new CdevChip(path, fd, Cdev.chipInfo(fd));
        } catch (RuntimeException e) {
            Cdev.close(fd);
            throw e;
        }
    }

    /** The GPIO chips of this machine, in name order ({@code /dev/gpiochip0}, ...); empty on a PC. */
    public static List<Path> list() {
        Path dev = Path.of("/dev");
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dev)) return out;
        try (Stream<Path> s = Files.list(dev)) {
            s.filter(p -> p.getFileName().toString().matches("gpiochip\\d+")).sorted((a, b) -> Integer.compare(number(a), number(b)))
                    .forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static int number(Path p) { return Integer.parseInt(p.getFileName().toString().substring("gpiochip".length())); }

    /** {@code /dev/gpiochip0 (pinctrl-rp1, 54 lines)} */
    public String describe() { return path + " (" + info.label() + ", " + info.lines() + " lines)"; }

    public Path path() { return path; }

    public Cdev.ChipInfo info() { return info; }

    int fd() { return fd; }

    /** The lines stay usable after the chip descriptor closes (the kernel keeps them by their own descriptors). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Cdev.close(fd);
    }
}
