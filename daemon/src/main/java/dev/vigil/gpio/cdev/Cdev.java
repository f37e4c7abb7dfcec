package dev.vigil.gpio.cdev;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.vigil.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The Linux GPIO character device (uAPI v2, {@code <linux/gpio.h>}, kernel 5.10+) through Java's FFM API: open a chip,
 * request one line as an input or output, set and read its value, wait for edge events. No native library of vigil's
 * own: only libc's open, ioctl, poll, read and close, bound in {@link Libc}.
 *
 * <p>Why vigil has this: Pi4J 4's own FFM plugin ({@code pi4j-plugin-ffm}) is not on Maven Central as this project can
 * reach it, and pi4j-plugin-gpiod 3.x does not run on pi4j-core 4 (its IOs override the 3.x shutdown methods that 4.x
 * renamed, so lines would never be released). The struct offsets and ioctl numbers below are checked against the
 * kernel header by {@code CdevLayoutTest} (compiled with gcc).
 */
public final class Cdev {

    private Cdev() {}

    // ---- <linux/gpio.h> ----
    static final int NAME_SIZE = 32;
    static final int LINES_MAX = 64;
    static final int NUM_ATTRS_MAX = 10;

    public static final long FLAG_ACTIVE_LOW = 1L << 1;
    public static final long FLAG_INPUT = 1L << 2;
    public static final long FLAG_OUTPUT = 1L << 3;
    public static final long FLAG_EDGE_RISING = 1L << 4;
    public static final long FLAG_EDGE_FALLING = 1L << 5;
    public static final long FLAG_BIAS_PULL_UP = 1L << 8;
    public static final long FLAG_BIAS_PULL_DOWN = 1L << 9;
    public static final long FLAG_BIAS_DISABLED = 1L << 10;

    static final int ATTR_ID_OUTPUT_VALUES = 2;
    static final int ATTR_ID_DEBOUNCE = 3;

    public static final int EVENT_RISING_EDGE = 1;
    public static final int EVENT_FALLING_EDGE = 2;

    /** struct gpiochip_info: name[32], label[32], lines. */
    static final int CHIPINFO_SIZE = 68;
    /** struct gpio_v2_line_request: offsets[64], consumer[32], config (272 bytes), num_lines, event_buffer_size, padding[5], fd. */
    static final int REQUEST_SIZE = 592;
    static final int REQUEST_CONSUMER = 256, REQUEST_CONFIG = 288, REQUEST_NUM_LINES = 560, REQUEST_FD = 588;
    /** struct gpio_v2_line_config: flags, num_attrs, padding[5], attrs[10] of {attr {id, padding, value}, mask}. */
    static final int CONFIG_SIZE = 272, CONFIG_NUM_ATTRS = 8, CONFIG_ATTRS = 32, CONFIG_ATTR_SIZE = 24;
    /** struct gpio_v2_line_values: bits, mask. */
    static final int VALUES_SIZE = 16;
    /** struct gpio_v2_line_event: timestamp_ns, id, offset, seqno, line_seqno, padding[6]. */
    static final int EVENT_SIZE = 48;

    static final long GPIO_GET_CHIPINFO_IOCTL = ior(0x01, CHIPINFO_SIZE);
    static final long GPIO_V2_GET_LINE_IOCTL = iowr(0x07, REQUEST_SIZE);
    static final long GPIO_V2_LINE_GET_VALUES_IOCTL = iowr(0x0E, VALUES_SIZE);
    static final long GPIO_V2_LINE_SET_VALUES_IOCTL = iowr(0x0F, VALUES_SIZE);

    /** The asm-generic _IOC encoding (arm, arm64, x86): direction 2 bits, size 14 bits, type 0xB4, number. */
    private static long ioc(long dir, int nr, int size) { return (dir << 30) | ((long) size << 16) | (0xB4L << 8) | nr; }

    static long iowr(int nr, int size) { return ioc(3, nr, size); }

    static long ior(int nr, int size) { return ioc(2, nr, size); }

    /** A failed system call: {@link #errno} and the C library's text for it. */
    public static final class CdevException extends RuntimeException {
        private final int errno;

        CdevException(String what, int errno) {
            super(what + ": " + strerror(errno), null, false, false);
            this.errno = errno;
        }

        public int errno() { return errno; }
    }

    /** The text of an errno ("Device or resource busy"). */
    public static String strerror(int errno) {
        return Libc.strerror(errno);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** Opens a chip ({@code /dev/gpiochip0}) read-write; returns its file descriptor. */
    public static int openChip(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.OPEN.invokeExact(st, a.allocateFrom(path), Libc.O_RDWR | Libc.O_CLOEXEC, 0);
            if (fd < 0) throw new CdevException("cannot open " + path, Libc.errno(st));
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A chip's name (gpiochip0), label (pinctrl-rp1) and number of lines. */
    public record ChipInfo(String name, String label, int lines) {}

    public static ChipInfo chipInfo(int chipFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(CHIPINFO_SIZE, 8);
            ioctl(a, chipFd, GPIO_GET_CHIPINFO_IOCTL, info, "GPIO_GET_CHIPINFO");
            return new ChipInfo(cString(info, 0), cString(info, NAME_SIZE), info.get(JAVA_INT, 2 * NAME_SIZE));
        }
    }

    /**
     * Requests one line.
     *
     * @param flags       FLAG_INPUT or FLAG_OUTPUT, with bias and edge flags
     * @param outputHigh  an output's first level (ignored for inputs)
     * @param debounceUs  an input's kernel debounce in microseconds, 0 for none
     * @return the line's file descriptor (read events from it; set and get values through it)
     */
    public static int requestLine(int chipFd, int offset, long flags, boolean outputHigh, int debounceUs, String consumer) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(REQUEST_SIZE, 8); // zeroed
            req.set(JAVA_INT, 0, offset);
            byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, req, JAVA_BYTE, REQUEST_CONSUMER, Math.min(name.length, NAME_SIZE - 1));
            req.set(JAVA_LONG, REQUEST_CONFIG, flags);
            int attrs = 0;
            if ((flags & FLAG_OUTPUT) != 0) {
                attr(req, attrs++, ATTR_ID_OUTPUT_VALUES, outputHigh ? 1L : 0L);
            }
            if ((flags & FLAG_INPUT) != 0 && debounceUs > 0) {
                attr(req, attrs++, ATTR_ID_DEBOUNCE, debounceUs & 0xFFFF_FFFFL);
            }
            req.set(JAVA_INT, REQUEST_CONFIG + CONFIG_NUM_ATTRS, attrs);
            req.set(JAVA_INT, REQUEST_NUM_LINES, 1);
            ioctl(a, chipFd, GPIO_V2_GET_LINE_IOCTL, req, "GPIO_V2_GET_LINE");
            return req.get(JAVA_INT, REQUEST_FD);
        }
    }

    /** Attribute {@code i} of the request's config, applied to line 0 (mask bit 0). */
    private static void attr(MemorySegment req, int i, int id, long value) {
        long at = REQUEST_CONFIG + CONFIG_ATTRS + (long) i * CONFIG_ATTR_SIZE;
        req.set(JAVA_INT, at, id);
        req.set(JAVA_LONG, at + 8, value); // the union: values bits, or debounce_period_us in its low 32 bits (little-endian)
        req.set(JAVA_LONG, at + 16, 1L);
    }

    public static void setValue(int lineFd, boolean high) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(VALUES_SIZE, 8);
            v.set(JAVA_LONG, 0, high ? 1L : 0L);
            v.set(JAVA_LONG, 8, 1L);
            ioctl(a, lineFd, GPIO_V2_LINE_SET_VALUES_IOCTL, v, "GPIO_V2_LINE_SET_VALUES");
        }
    }

    public static boolean getValue(int lineFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(VALUES_SIZE, 8);
            v.set(JAVA_LONG, 8, 1L);
            ioctl(a, lineFd, GPIO_V2_LINE_GET_VALUES_IOCTL, v, "GPIO_V2_LINE_GET_VALUES");
            return (v.get(JAVA_LONG, 0) & 1L) != 0;
        }
    }

    /** An edge: {@link #EVENT_RISING_EDGE} or {@link #EVENT_FALLING_EDGE}, with the kernel's CLOCK_MONOTONIC timestamp. */
    public record Event(int id, long timestampNs) {}

    /**
     * Waits up to {@code timeoutMs} for an edge on a line requested with edge flags.
     *
     * @return the event, or null on timeout
     */
    public static Event awaitEvent(int lineFd, int timeoutMs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            MemorySegment pfd = a.allocate(8, 4);
            pfd.set(JAVA_INT, 0, lineFd);
            pfd.set(JAVA_SHORT, 4, Libc.POLLIN);
            int n = (int) Libc.POLL.invokeExact(st, pfd, 1L, timeoutMs);
            if (n < 0) {
                int errno = Libc.errno(st);
                if (errno == Libc.EINTR) return null;
                throw new CdevException("poll", errno);
            }
            if (n == 0) return null;
            MemorySegment ev = a.allocate(EVENT_SIZE, 8);
            long r = (long) Libc.READ.invokeExact(st, lineFd, ev, (long) EVENT_SIZE);
            if (r < 0) throw new CdevException("read of a line event", Libc.errno(st));
            if (r != EVENT_SIZE) throw new IllegalStateException("short line event read: " + r + " bytes");
            return new Event(ev.get(JAVA_INT, 8), ev.get(JAVA_LONG, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        Libc.close(fd);
    }

    private static void ioctl(Arena a, int fd, long request, MemorySegment arg, String what) {
        MemorySegment st = a.allocate(Libc.CALL_STATE);
        int r;
        try {
            r = (int) Libc.IOCTL.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) throw new CdevException(what, Libc.errno(st));
    }

    private static String cString(MemorySegment s, long offset) {
        return s.asSlice(offset, NAME_SIZE).getString(0, StandardCharsets.UTF_8);
    }
}
