package dev.vigil.capture;

import dev.vigil.config.Check;
import dev.vigil.config.ConfigException;
import dev.vigil.config.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where a camera's frames come from: a closed set, each with its own grabber. Each kind checks its own values, once,
 * for the config and for code; an error is a {@link ConfigException} at the key under {@code cameras.NAME.source}.
 */
public sealed interface SourceSpec {

    List<String> PIXEL_FORMATS = List.of("mjpeg", "yuyv");
    List<String> SCHEMES = List.of("rtsp://", "http://", "https://");
    List<String> TRANSPORTS = List.of("tcp", "udp");

    /** A V4L2 camera, e.g. /dev/video0; width/height/fps 0 = the camera's default; pixelFormat "mjpeg", "yuyv" or null. */
    record Device(String path, int width, int height, double fps, String pixelFormat) implements SourceSpec {
        public Device {
            if (path == null || !path.startsWith("/dev/")) throw ConfigException.at("device", "\"" + path + "\" is not a device path like /dev/video0");
            Check.within("width", width, 0, 16384);
            Check.within("height", height, 0, 16384);
            if ((width == 0) != (height == 0)) {
                throw ConfigException.at(width == 0 ? "height" : "width", "width and height go together; give both, or neither for the camera's default");
            }
            Check.within("fps", fps, 0, 1000);
            if (pixelFormat != null) {
                pixelFormat = pixelFormat.strip().toLowerCase(Locale.ROOT);
                if (!PIXEL_FORMATS.contains(pixelFormat)) {
                    throw ConfigException.at("pixel_format", "\"" + pixelFormat + "\" is not one of " + String.join(", ", PIXEL_FORMATS));
                }
            }
        }
    }

    /**
     * rtsp:// (TCP unless transport is "udp") or http(s):// MJPEG; the timeouts bound every blocking call. A null
     * transport is tcp, a null timeout {@link #DEFAULT_TIMEOUT}.
     */
    record Stream(String url, String transport, Duration connectTimeout, Duration readTimeout) implements SourceSpec {

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public Stream {
            String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
            if (SCHEMES.stream().noneMatch(lower::startsWith)) {
                throw ConfigException.at("stream", "\"" + Redaction.redact(url) + "\" is not " + String.join(", ", SCHEMES));
            }
            String rest = url.substring(url.indexOf("://") + 3);
            int end = rest.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int i = rest.indexOf(c);
                if (i >= 0) end = Math.min(end, i);
            }
            String authority = rest.substring(0, end);
            String host = authority.substring(authority.lastIndexOf('@') + 1);
            if (host.isEmpty() || host.startsWith(":")) throw ConfigException.at("stream", "\"" + Redaction.redact(url) + "\" has no host");
            transport = transport == null ? "tcp" : transport.strip().toLowerCase(Locale.ROOT);
            if (!TRANSPORTS.contains(transport)) {
                throw ConfigException.at("transport", "\"" + transport + "\" is not one of " + String.join(", ", TRANSPORTS));
            }
            if (transport.equals("udp") && !lower.startsWith("rtsp://")) {
                throw ConfigException.at("transport", "udp is for rtsp:// streams only; leave transport out for http(s)");
            }
            connectTimeout = timeout("connect_timeout_s", connectTimeout);
            readTimeout = timeout("read_timeout_s", readTimeout);
        }

        private static Duration timeout(String key, Duration d) {
            if (d == null) return DEFAULT_TIMEOUT;
            Check.within(key, d.toNanos() / 1e9, 0, 3600);
            if (d.isZero()) throw ConfigException.at(key, "0 must be above 0 (a timeout keeps a dead camera from blocking a thread)");
            return d;
        }
    }

    /** A video file; fps 0 = the file's own frame rate. */
    record VideoFile(Path path, boolean loop, double fps) implements SourceSpec {
        public VideoFile {
            if (path == null) throw ConfigException.at("file", "missing; give a video file");
            Check.within("fps", fps, 0, 1000);
        }
    }

    /** Images replayed in name order at fps; a file whose header claims more than maxImagePixels is skipped. */
    record Folder(Path path, double fps, boolean loop, long maxImagePixels) implements SourceSpec {
        public Folder {
            if (path == null) throw ConfigException.at("folder", "missing; give a folder of images");
            Check.within("fps", fps, 0, 1000);
            if (fps == 0) throw ConfigException.at("fps", "0 must be above 0");
            if (maxImagePixels < 1) throw ConfigException.at("max_image_pixels", maxImagePixels + " must be at least 1 (default " + ImageHeader.DEFAULT_MAX_PIXELS + ")");
        }

        public Folder(Path path, double fps, boolean loop) {
            this(path, fps, loop, ImageHeader.DEFAULT_MAX_PIXELS);
        }
    }

    /**
     * A process whose stdout is a video stream (MJPEG or anything FFmpeg probes); restarted when it exits. It runs
     * with {@link #BASE_ENV} of the daemon's environment and {@code env} on top, nothing else: the daemon's secrets
     * stay with the daemon unless the config hands one over.
     */
    record Command(List<String> argv, boolean restart, Map<String, String> env) implements SourceSpec {

        /** What a command gets from the daemon's environment without asking: where programs are, the locale, the zone. */
        public static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "LC_*", "TZ");

        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        public Command {
            if (argv == null || argv.isEmpty()) throw ConfigException.at("command", "is empty; give the program and its arguments");
            argv = List.copyOf(argv);
            env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
            for (String name : env.keySet()) {
                if (!NAME.matcher(name).matches()) {
                    throw ConfigException.at("env", "\"" + name + "\" is not a variable name; use letters, digits and _");
                }
            }
        }

        public Command(List<String> argv, boolean restart) {
            this(argv, restart, Map.of());
        }

        /** The child's environment: the base variables of {@code daemon}'s, then {@link #env}. */
        public Map<String, String> childEnvironment(Map<String, String> daemon) {
            Map<String, String> out = new TreeMap<>();
            daemon.forEach((k, v) -> {
                if (BASE_ENV.stream().anyMatch(b -> b.endsWith("*") ? k.startsWith(b.substring(0, b.length() - 1)) : k.equals(b))) out.put(k, v);
            });
            out.putAll(env);
            return out;
        }

        /** The variables' names only: their values may be secrets. */
        @Override
        public String toString() {
            return "Command[argv=" + argv + ", restart=" + restart + ", env=" + env.keySet() + "]";
        }
    }

    /** Sources that end (and let `vigil run --once` finish). */
    default boolean finite() {
        return switch (this) {
            case VideoFile f -> !f.loop();
            case Folder f -> !f.loop();
            case Command c -> !c.restart();
            default -> false;
        };
    }
}
