package dev.vigil.daemon;

import dev.vigil.capture.SourceSpec;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.HttpConfig;
import dev.vigil.config.VigilConfig;
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
import java.util.Set;

/**
 * What {@code vigil run} would otherwise find only after the model loaded and events were written: an events
 * directory that cannot be created or written, a camera folder or video file that does not exist, an HTTP address
 * that cannot be bound. {@code check-config} lists every problem; the wiring refuses the first one before it loads
 * the model, so both judge a config the same way. Each problem is one line starting with the key path and ending with
 * the fix.
 *
 * <p>Nothing here changes the machine: a missing events directory is judged by its nearest existing parent (the
 * store creates it on start), and the port is bound and released at once.
 */
public final class Preflight {

    private Preflight() {}

    /** Every problem of {@code cfg} on this machine, in config order; empty when run can start. */
    public static List<String> problems(VigilConfig cfg, boolean checkPort) {
        return problems(cfg, Set.of(), checkPort);
    }

    /** As {@link #problems(VigilConfig, boolean)}, leaving out the cameras whose source is replaced (tests, bench). */
    public static List<String> problems(VigilConfig cfg, Set<String> replacedCameras, boolean checkPort) {
        List<String> out = new ArrayList<>();
        eventsDir(cfg.events().dir()).ifPresent(out::add);
        for (CameraConfig c : cfg.enabledCameras()) if (!replacedCameras.contains(c.name())) source(c).ifPresent(out::add);
        if (checkPort) port(cfg.http()).ifPresent(out::add);
        return out;
    }

    /** Throws a {@link ConfigException} (exit 2, like every config error) with the first problem. */
    public static void check(VigilConfig cfg, Set<String> replacedCameras, boolean checkPort) {
        List<String> p = problems(cfg, replacedCameras, checkPort);
        if (p.isEmpty()) return;
        ConfigException e = new ConfigException(p.getFirst() + (p.size() > 1 ? " (and " + (p.size() - 1)
                + " more: see vigil check-config)" : ""));
        throw cfg.file().map(e::in).orElse(e);
    }

    static Optional<String> eventsDir(Path configured) {
        Path d = configured.toAbsolutePath().normalize();
        String key = "events.dir: " + configured + " ";
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) return some(key + "is a file, not a directory; remove the file or set events.dir to a directory");
            // access(2): also false on a read-only file system, for root too
            if (!Files.isWritable(d)) return some(key + "is not writable (read-only file system or permissions); "
                    + "give the user running vigil write access or set events.dir to a writable directory");
            return Optional.empty();
        }
        Path parent = d.getParent();
        while (parent != null && !Files.exists(parent)) parent = parent.getParent();
        if (parent == null) return some(key + "cannot be created (no existing parent); set events.dir to a writable directory");
        if (!Files.isDirectory(parent)) return some(key + "cannot be created: " + parent + " is a file, not a directory; "
                + "remove the file or set events.dir elsewhere");
        if (!Files.isWritable(parent)) return some(key + "cannot be created: " + parent + " is not writable (read-only file"
                + " system or permissions); create the directory for the user running vigil or set events.dir elsewhere");
        return Optional.empty();
    }

    static Optional<String> source(CameraConfig c) {
        String key = "cameras." + c.name() + ".source.";
        return switch (c.source()) {
            case SourceSpec.Folder f when !Files.isDirectory(f.path()) -> some(key + "folder: " + f.path()
                    + (Files.exists(f.path()) ? " is not a folder" : " does not exist") + "; create it or set the folder of a camera that exists");
            case SourceSpec.VideoFile v when !Files.isRegularFile(v.path()) -> some(key + "file: " + v.path()
                    + (Files.exists(v.path()) ? " is not a regular file" : " does not exist") + "; give an existing video file");
            default -> Optional.empty();
        };
    }

    /**
     * Binds the address and lets it go: the only sure way to know the server can have it. SO_REUSEADDR, as the server
     * sets it, so a port in TIME_WAIT after a restart is not taken for a port in use.
     */
    static Optional<String> port(HttpConfig http) {
        if (http.port() == 0) return Optional.empty();
        String key = "http.listen: " + http.listen() + " ";
        InetAddress ip;
        try {
            ip = InetAddress.getByName(http.host());
        } catch (UnknownHostException e) {
            return some(key + "names an unknown host; set http.listen to an address of this machine, e.g. 127.0.0.1:" + http.port());
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(ip, http.port()));
            return Optional.empty();
        } catch (BindException e) {
            String why = e.getMessage() == null ? "cannot be bound" : e.getMessage();
            if (why.toLowerCase(Locale.ROOT).contains("in use"))
                return some(key + "is in use by another process (a vigil already running?); stop it or set http.listen to a free port");
            if (http.port() < 1024) return some(key + "cannot be bound (" + why + "); use a port above 1023 (vigil runs unprivileged)");
            return some(key + "cannot be bound (" + why + "); set http.listen to an address of this machine, e.g. 127.0.0.1:" + http.port());
        } catch (IOException e) {
            return some(key + "cannot be bound (" + e.getMessage() + "); set http.listen to another address or port");
        }
    }

    private static Optional<String> some(String s) { return Optional.of(s); }
}
