package dev.vigil.doctor;

import dev.vigil.capture.SourceSpec;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.inference.Delegate;
import dev.vigil.inference.EdgeTpu;
import dev.vigil.inference.Engines;
import dev.vigil.model.ModelEntry;
import dev.vigil.model.ModelStore;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.ModelSpec;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks of {@code vigil doctor} beyond the runtime: the Edge TPU, cameras, GPIO chips, power sensors, and
 * whether the config's needs are met (its cameras, model, events directory and HTTP port). Optional hardware that
 * is absent and not needed is a "-" line; what the config needs and is missing is a FAIL with its remedy.
 */
public final class Doctor {

    private Doctor() {}

    public enum Status {
        OK("ok"), FAIL("FAIL"), ABSENT("-");

        public final String word;

        Status(String word) { this.word = word; }
    }

    public record Check(String what, Status status, String detail, String remedy) {
        public static Check ok(String what, String detail) { return new Check(what, Status.OK, detail, ""); }

        public static Check fail(String what, String detail, String remedy) { return new Check(what, Status.FAIL, detail, remedy); }

        public static Check absent(String what, String detail) { return new Check(what, Status.ABSENT, detail, ""); }

        public boolean failed() { return status == Status.FAIL; }
    }

    /** A config and where it came from, or why it could not be read. */
    public record Config(Path file, VigilConfig config, String problem) {
        public static Config load(Path file) {
            try {
                return new Config(file, ConfigLoader.load(file), null);
            } catch (ConfigException e) {
                return new Config(file, null, e.located());
            }
        }
    }

    // ---- Edge TPU ----

    /** The inference engines that run here; a FAIL only when the config's engine is not one of them. */
    public static Check engines(Optional<VigilConfig> config) {
        String here = String.join(", ", Engines.available());
        Optional<String> problem = config.flatMap(c -> Engines.problem(c.inference().engine().word()));
        return problem.map(p -> Check.fail("engines", here + "; " + p, "")).orElse(Check.ok("engines", here));
    }

    /** Coral USB, Coral PCIe and the runtime; a FAIL only when the config's delegate is edgetpu. */
    public static List<Check> edgeTpu(Host host, EdgeTpu.Probe probe, Optional<VigilConfig> config) {
        boolean needed = config.map(c -> c.inference().delegate() == Delegate.EDGETPU).orElse(false);
        List<Check> out = new ArrayList<>();
        List<Host.UsbDevice> usb = host.corals();
        out.add(usb.isEmpty() ? Check.absent("coral usb", "none (USB ids " + Host.CORAL_BOOT + ", " + Host.CORAL_READY + ")")
                : Check.ok("coral usb", usb.stream().map(u -> u.id() + (u.id().equals(Host.CORAL_BOOT)
                        ? " (firmware not loaded yet: libedgetpu loads it on first use)" : " (firmware loaded)")).collect(Collectors.joining(", "))));
        List<Path> apex = host.apexDevices();
        if (apex.isEmpty()) {
            out.add(Check.absent("coral pcie", "no /dev/apex_*"));
        } else {
            List<Path> closed = apex.stream().filter(p -> !Files.isReadable(p) || !Files.isWritable(p)).toList();
            String list = apex.stream().map(p -> "/dev/" + p.getFileName()).collect(Collectors.joining(", "));
            out.add(closed.isEmpty() ? Check.ok("coral pcie", list)
                    : needed ? Check.fail("coral pcie", list + ": no read/write access for this user", "add the user to the apex group (the service user vigil is)")
                    : Check.ok("coral pcie", list + " (no access for this user; the service user is in group apex)"));
        }
        String runtime = !probe.libraryLoaded() ? "libedgetpu not loaded (" + oneLine(probe.problem()) + ")"
                : probe.devices().isEmpty() ? "libedgetpu " + probe.version() + ", no device found"
                : "libedgetpu " + probe.version() + ", devices " + probe.devices();
        boolean usable = probe.libraryLoaded() && !probe.devices().isEmpty();
        if (usable) out.add(Check.ok("edge tpu", runtime));
        else if (needed) out.add(Check.fail("edge tpu", runtime + "; the config's delegate is edgetpu",
                !probe.libraryLoaded() ? "install libedgetpu1-std from Coral's apt repository, or set delegate: auto or cpu"
                        : "plug the Coral in (a USB 3 port) or set delegate: auto or cpu"));
        else out.add(Check.absent("edge tpu", runtime));
        return out;
    }

    // ---- cameras, GPIO, power ----

    public static Check cameras(Host host) {
        List<Host.VideoDevice> devices = host.videoDevices();
        if (devices.isEmpty()) return Check.absent("cameras", "no /dev/video*");
        boolean listed = host.which("v4l2-ctl").isPresent();
        String s = devices.stream().map(d -> d.node().getFileName() + " (" + (d.name() == null ? "?" : d.name())
                + (d.formats() == null ? "" : ": " + (d.formats().isEmpty() ? "no capture formats" : String.join(" ", d.formats()))) + ")")
                .collect(Collectors.joining(", "));
        return Check.ok("cameras", s + (listed ? "" : "; formats: install v4l-utils (v4l2-ctl) to list them"));
    }

    public static Check gpio(Host host) {
        List<Path> chips = host.gpioChips();
        if (chips.isEmpty()) return Check.absent("gpio chips", "no /dev/gpiochip*");
        return Check.ok("gpio chips", chips.stream().map(c -> c.getFileName() + (Files.isReadable(c) && Files.isWritable(c) ? "" : " (no access for this user)"))
                .collect(Collectors.joining(", ")));
    }

    public static Check power(Host host) {
        List<Host.PowerSensor> sensors = host.powerSensors();
        if (sensors.isEmpty()) return Check.absent("power sensors", "none found (no hwmon power/current inputs, RAPL, INA3221 or vcgencmd)");
        return Check.ok("power sensors", sensors.stream().map(s -> s.kind() + " " + s.name() + (s.note() == null ? "" : " (" + s.note() + ")"))
                .collect(Collectors.joining(", ")));
    }

    // ---- the config's needs ----

    public static List<Check> config(Host host, Config c, ModelStore store) {
        List<Check> out = new ArrayList<>();
        if (c.problem() != null) {
            out.add(Check.fail("config", c.problem(), "fix the file (`vigil check-config " + c.file() + "` says the same)"));
            return out;
        }
        VigilConfig cfg = c.config();
        out.add(Check.ok("config", c.file() + ": " + ConfigLoader.summary(cfg)));
        for (String w : cfg.warnings()) out.add(Check.ok("config", "warning: " + w));
        for (CameraConfig cam : cfg.enabledCameras()) out.add(camera(host, cam));
        out.add(model(host, cfg, store));
        out.add(labels(cfg, store));
        out.add(eventsDir(host, cfg.events().dir()));
        out.add(port(host, cfg.http().host(), cfg.http().port()));
        return out;
    }

    static Check camera(Host host, CameraConfig cam) {
        String what = "camera " + cam.name();
        String key = "cameras." + cam.name() + ".source";
        return switch (cam.source()) {
            case SourceSpec.Device d -> {
                Path node = host.resolve(d.path());
                if (!Files.exists(node))
                    yield Check.fail(what, d.path() + " not found", "plug the camera in, or set " + key + ".device to one `v4l2-ctl --list-devices` lists");
                if (!Files.isReadable(node) || !Files.isWritable(node))
                    yield Check.fail(what, d.path() + ": no read/write access for this user", "add the user to the video group (the service user vigil is)");
                String want = d.pixelFormat() == null ? null : switch (d.pixelFormat().toLowerCase(Locale.ROOT)) {
                    case "mjpeg", "mjpg" -> "MJPG";
                    default -> "YUYV";
                };
                List<String> formats = host.which("v4l2-ctl").map(t -> Host.formats(t, node)).orElse(null);
                if (formats != null && formats.isEmpty())
                    yield Check.fail(what, d.path() + " has no capture formats (a metadata or codec node)", "set " + key + ".device to the camera's capture node (`v4l2-ctl --list-devices`)");
                if (formats != null && want != null && !formats.contains(want))
                    yield Check.fail(what, d.path() + " offers " + String.join(" ", formats) + ", not " + want,
                            "set " + key + ".pixel_format to " + (formats.contains("MJPG") ? "mjpeg" : "yuyv"));
                yield Check.ok(what, d.path() + (formats == null ? "" : " (" + String.join(" ", formats) + ")"));
            }
            case SourceSpec.Folder f -> Files.isDirectory(host.resolve(f.path())) ? Check.ok(what, "folder " + f.path())
                    : Check.fail(what, "folder " + f.path() + " not found", "create it or set " + key + ".folder");
            case SourceSpec.VideoFile f -> Files.isRegularFile(host.resolve(f.path())) ? Check.ok(what, "file " + f.path())
                    : Check.fail(what, "file " + f.path() + " not found", "set " + key + ".file to an existing video");
            case SourceSpec.Command cmd -> {
                String tool = cmd.argv().getFirst();
                yield host.which(tool).isPresent() ? Check.ok(what, "command " + tool + " found")
                        : Check.fail(what, "command " + tool + " not found", "install it (rpicam-vid: apt install rpicam-apps; gst-launch-1.0: gstreamer1.0-tools)");
            }
            case SourceSpec.Stream s -> Check.ok(what, ConfigLoader.describe(s) + " (not contacted)");
        };
    }

    static Check model(Host host, VigilConfig cfg, ModelStore store) {
        String m = cfg.inference().model();
        if (cfg.inference().mirror().isPresent()) store = store.withMirror(cfg.inference().mirror().get(), "models.mirror");
        Optional<ModelEntry> entry = store.models().find(m);
        if (entry.isEmpty()) {
            return Files.isRegularFile(host.resolve(Path.of(m).toAbsolutePath())) ? Check.ok("model", m)
                    : Check.fail("model", m + " not found", "give an existing .tflite file or a catalog name (`vigil models list`)");
        }
        ModelStore.Location at = store.locate(entry.get());
        return switch (at.status()) {
            case INSTALLED, MIRROR -> Check.ok("model", m + " (" + at.path().orElseThrow() + ")");
            case MISSING -> Check.ok("model", m + " not in " + store.storeDir(entry.get())
                    + "; pulled on the first start (needs the network), or now with `vigil models pull " + m + "`");
        };
    }

    /** The group and QC labels against the model's, as check-config and run check them (local files only). */
    static Check labels(VigilConfig cfg, ModelStore store) {
        try {
            LabelCheck.Offline m = LabelCheck.resolveOffline(cfg, store);
            if (m.spec().isEmpty()) return Check.absent("labels", m.skipped());
            ModelSpec spec = m.spec().get();
            if (spec.labels().isEmpty()) return Check.absent("labels", "model " + spec.name() + " names no labels; group labels not checked");
            LabelCheck.check(cfg, spec.labels().get(), spec.name());
            LabelCheck.checkSecondStages(cfg, store, m.spec());
            return Check.ok("labels", "every group and QC label is one of the " + spec.labels().get().size() + " of " + spec.name());
        } catch (ConfigException e) {
            return Check.fail("labels", e.getMessage(), "use the model's own names (`vigil check-config` says the same)");
        }
    }

    static Check eventsDir(Host host, Path dir) {
        Path d = host.resolve(dir.toAbsolutePath());
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) return Check.fail("events dir", dir + " is not a directory", "set events.dir to a directory");
            return Files.isWritable(d) ? Check.ok("events dir", dir + " writable")
                    : Check.fail("events dir", dir + " is not writable for this user", "run `sudo -u vigil vigil doctor` to check as the service user, or fix the owner");
        }
        Path parent = d.getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) return Check.ok("events dir", dir + " (created on start)");
        String shown = parent == null ? "/" : "/" + host.root().relativize(parent);
        return Check.fail("events dir", dir + " cannot be created (" + shown + " is not writable for this user)",
                "run `sudo -u vigil vigil doctor` to check as the service user, or set events.dir");
    }

    static Check port(Host host, String address, int port) {
        String listen = (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        if (port == 0) return Check.ok("http port", listen + " (any free port)");
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return Check.fail("http port", listen + ": unknown host " + address, "set http.listen to 0.0.0.0:" + port + " or an address of this machine");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(ip, port));
            return Check.ok("http port", listen + " free");
        } catch (BindException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            if (why.contains("in use")) {
                Optional<Host.Listener> owner = host.tcpListener(port);
                if (owner.isPresent() && owner.get().command() != null) {
                    Host.Listener l = owner.get();
                    if (l.command().contains("dev.vigil.cli.Main") || l.command().contains("vigil.jar"))
                        return Check.ok("http port", listen + " in use by vigil itself (pid " + l.pid() + ")");
                    return Check.fail("http port", listen + " in use by pid " + l.pid() + " (" + abbreviate(l.command()) + ")",
                            "stop that process or set http.listen to another port");
                }
                return Check.fail("http port", listen + " in use by another process (run as root to see which)",
                        "stop that process or set http.listen to another port");
            }
            if (port < 1024) return Check.fail("http port", listen + ": " + why, "use a port above 1023 (the service runs unprivileged)");
            return Check.fail("http port", listen + ": " + why, "set http.listen to 0.0.0.0:" + port + " or an address of this machine");
        } catch (IOException e) {
            return Check.fail("http port", listen + ": " + e.getMessage(), "set http.listen to another address or port");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
