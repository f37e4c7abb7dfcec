package dev.vigil.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this machine has for vigil, read from /dev, /sys and /proc below {@code root} ("/" for the machine itself, a
 * folder of fixtures in tests) and from the tools on {@code path}. Only detection: nothing is opened for real use.
 */
public record Host(Path root, List<Path> path) {

    /** Coral USB Accelerator ids: before its firmware is loaded (Global Unichip) and after (Google). */
    public static final String CORAL_BOOT = "1a6e:089a", CORAL_READY = "18d1:9302";

    public record UsbDevice(String id, String name) {}

    /** @param formats fourccs from v4l2-ctl (MJPG, YUYV, ...); null when they could not be listed */
    public record VideoDevice(Path node, String name, List<String> formats) {}

    /** @param kind hwmon, rapl, iio or vcgencmd; {@code note} says what limits its use, null when nothing does */
    public record PowerSensor(String kind, String name, String note) {}

    /** A process listening on a port: its pid and command line. */
    public record Listener(long pid, String command) {}

    public static Host system() {
        String p = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        List<Path> dirs = new ArrayList<>();
        for (String d : p.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        return new Host(Path.of("/"), List.copyOf(dirs));
    }

    /** An absolute path of the machine (/dev/video0) below this host's root. */
    public Path resolve(String absolute) {
        return resolve(Path.of(absolute));
    }

    public Path resolve(Path absolute) {
        if (!absolute.isAbsolute()) return absolute;
        return root.resolve(absolute.toString().substring(1));
    }

    /** A tool found on the path. */
    public Optional<Path> which(String tool) {
        if (tool.contains("/")) {
            Path p = resolve(tool);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path d : path) {
            Path p = d.resolve(tool);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    // ---- USB and the Edge TPU ----

    /** Every USB device in sysfs, as vendor:product and its product string. */
    public List<UsbDevice> usbDevices() {
        List<UsbDevice> out = new ArrayList<>();
        for (Path d : list(resolve("/sys/bus/usb/devices"), "*")) {
            String v = read(d.resolve("idVendor")), p = read(d.resolve("idProduct"));
            if (v == null || p == null) continue; // an interface, not a device
            String name = read(d.resolve("product"));
            out.add(new UsbDevice(v.toLowerCase(Locale.ROOT) + ":" + p.toLowerCase(Locale.ROOT), name));
        }
        return out;
    }

    public List<UsbDevice> corals() {
        return usbDevices().stream().filter(u -> u.id().equals(CORAL_BOOT) || u.id().equals(CORAL_READY)).toList();
    }

    /** PCIe/M.2 Corals: /dev/apex_N of the gasket driver. */
    public List<Path> apexDevices() {
        return list(resolve("/dev"), "apex_*");
    }

    // ---- cameras ----

    public List<VideoDevice> videoDevices() {
        Optional<Path> v4l2ctl = which("v4l2-ctl");
        List<VideoDevice> out = new ArrayList<>();
        for (Path node : list(resolve("/dev"), "video*")) {
            if (!node.getFileName().toString().matches("video\\d+")) continue;
            String name = read(resolve("/sys/class/video4linux").resolve(node.getFileName()).resolve("name"));
            out.add(new VideoDevice(node, name, v4l2ctl.map(t -> formats(t, node)).orElse(null)));
        }
        return out;
    }

    private static final Pattern FOURCC = Pattern.compile("\\[\\d+\\]: '(\\w+)'");

    /** `v4l2-ctl --device NODE --list-formats`: the fourccs, in the driver's order; null when the call failed. */
    static List<String> formats(Path v4l2ctl, Path node) {
        String out = run(List.of(v4l2ctl.toString(), "--device", node.toString(), "--list-formats"));
        if (out == null) return null;
        List<String> f = new ArrayList<>();
        Matcher m = FOURCC.matcher(out);
        while (m.find()) if (!f.contains(m.group(1))) f.add(m.group(1));
        return f;
    }

    // ---- GPIO ----

    public List<Path> gpioChips() {
        return list(resolve("/dev"), "gpiochip*");
    }

    // ---- power ----

    /**
     * Power and energy sensors vigil's metrics can read: hwmon devices with power or voltage-and-current inputs
     * (INA219/INA226/INA3221 shunts, a Jetson's rails), the INA3221 of older JetPacks (iio), Intel/AMD RAPL energy
     * counters, and the Pi 5's PMIC through vcgencmd.
     */
    public List<PowerSensor> powerSensors() {
        List<PowerSensor> out = new ArrayList<>();
        for (Path h : list(resolve("/sys/class/hwmon"), "hwmon*")) {
            List<String> files = list(h, "*").stream().map(p -> p.getFileName().toString()).toList();
            boolean power = files.stream().anyMatch(f -> f.matches("power\\d+_(input|average)"));
            boolean vi = files.stream().anyMatch(f -> f.matches("curr\\d+_input")) && files.stream().anyMatch(f -> f.matches("in\\d+_input"));
            if (power || vi) {
                String name = read(h.resolve("name"));
                out.add(new PowerSensor("hwmon", h.getFileName() + " (" + (name == null ? "?" : name) + ")", null));
            }
        }
        for (Path d : list(resolve("/sys/bus/i2c/drivers"), "ina3221x"))
            for (Path dev : list(d, "*-*")) out.add(new PowerSensor("iio", "ina3221x " + dev.getFileName(), null));
        for (Path z : list(resolve("/sys/class/powercap"), "intel-rapl:*")) {
            if (z.getFileName().toString().chars().filter(c -> c == ':').count() != 1) continue; // packages, not sub-zones
            Path energy = z.resolve("energy_uj");
            if (!Files.exists(energy)) continue;
            String name = read(z.resolve("name"));
            out.add(new PowerSensor("rapl", z.getFileName() + " (" + (name == null ? "?" : name) + ")",
                    Files.isReadable(energy) ? null : "energy_uj readable by root only"));
        }
        which("vcgencmd").ifPresent(v -> out.add(new PowerSensor("vcgencmd", "vcgencmd pmic_read_adc", null)));
        return out;
    }

    // ---- ports ----

    /** Who listens on TCP {@code port}, from /proc/net/tcp{,6} and the processes' socket links (own processes, or all as root). */
    public Optional<Listener> tcpListener(int port) {
        List<String> inodes = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            List<String> lines = lines(resolve(table));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 10 || !f[3].equals("0A")) continue; // 0A: LISTEN
                String local = f[1];
                int colon = local.lastIndexOf(':');
                if (colon < 0) continue;
                try {
                    if (Integer.parseInt(local.substring(colon + 1), 16) == port) inodes.add(f[9]);
                } catch (NumberFormatException e) {
                    // not a line of the table
                }
            }
        }
        if (inodes.isEmpty()) return Optional.empty();
        for (Path proc : list(resolve("/proc"), "[0-9]*")) {
            for (Path fd : list(proc.resolve("fd"), "*")) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue;
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    String cmd = readBytes(proc.resolve("cmdline"));
                    return Optional.of(new Listener(Long.parseLong(proc.getFileName().toString()),
                            cmd == null ? "?" : cmd.replace('\0', ' ').strip()));
                }
            }
        }
        return Optional.of(new Listener(-1, null));
    }

    // ---- files ----

    /** The entries of {@code dir} matching a glob, in natural order (video2 before video10); empty when unreadable. */
    static List<Path> list(Path dir, String glob) {
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> out = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(Comparator.comparing((Path p) -> p.getFileName().toString().replaceAll("\\d+$", ""))
                .thenComparingLong(p -> trailingNumber(p.getFileName().toString())));
        return out;
    }

    private static long trailingNumber(String s) {
        Matcher m = Pattern.compile("(\\d+)$").matcher(s);
        return m.find() && m.group(1).length() < 18 ? Long.parseLong(m.group(1)) : -1;
    }

    /** The first line of a small file, stripped; null when it cannot be read. */
    static String read(Path file) {
        String s = readBytes(file);
        if (s == null) return null;
        String first = s.lines().findFirst().orElse("").strip();
        return first.isEmpty() ? null : first;
    }

    private static String readBytes(Path file) {
        try {
            if (!Files.isRegularFile(file)) return null;
            byte[] b;
            try (var in = Files.newInputStream(file)) {
                b = in.readNBytes(64 * 1024); // sysfs and procfs files report size 0 or 4096; read what is there
            }
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> lines(Path file) {
        String s = readBytes(file);
        return s == null ? List.of() : s.lines().toList();
    }

    /** A tool's output, or null when it failed or took longer than 5 s (then it is killed). */
    static String run(List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("vigil-doctor", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? readBytes(out) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }
}
