package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code cameras.NAME.source}: exactly one of device, stream, file, folder, command, with that kind's options. */
final class SourceReader {

    /** Each kind's keys, its own key first. */
    private static final Map<String, List<String>> KINDS = new LinkedHashMap<>();
    static {
        KINDS.put("device", List.of("device", "width", "height", "fps", "pixel_format"));
        KINDS.put("stream", List.of("stream", "transport", "connect_timeout_s", "read_timeout_s"));
        KINDS.put("file", List.of("file", "loop", "fps"));
        KINDS.put("folder", List.of("folder", "fps", "loop", "max_image_pixels"));
        KINDS.put("command", List.of("command", "restart", "env"));
    }

    private static final String KIND_LIST = String.join(", ", KINDS.keySet());

    private SourceReader() {}

    static SourceSpec read(ConfigNode n) {
        n.mapping("source settings (one of " + KIND_LIST + ")");
        List<String> given = KINDS.keySet().stream().filter(n::has).toList();
        if (given.isEmpty()) {
            // A key such as 'url:' is more likely a misnamed kind than an option: say which kinds exist.
            throw n.fail("no source kind; give exactly one of " + KIND_LIST);
        }
        if (given.size() > 1) {
            throw n.fail("both " + given.get(0) + " and " + given.get(1) + " given; give exactly one of " + KIND_LIST);
        }
        String kind = given.get(0);
        n.allowOnly(KINDS.get(kind), " for a " + kind + " source");
        return switch (kind) {
            case "device" -> device(n);
            case "stream" -> stream(n);
            case "file" -> {
                Path file = n.get("file").path(null);
                boolean loop = n.get("loop").bool(false);
                double fps = n.get("fps").number(0);
                yield n.make(() -> new SourceSpec.VideoFile(file, loop, fps));
            }
            case "folder" -> {
                Path folder = n.get("folder").path(null);
                double fps = n.get("fps").number(5);
                boolean loop = n.get("loop").bool(false);
                long maxPixels = n.get("max_image_pixels").integer((int) dev.vigil.capture.ImageHeader.DEFAULT_MAX_PIXELS);
                yield n.make(() -> new SourceSpec.Folder(folder, fps, loop, maxPixels));
            }
            default -> command(n);
        };
    }

    private static SourceSpec.Device device(ConfigNode n) {
        String path = n.get("device").requiredText("a V4L2 device such as /dev/video0");
        int width = n.get("width").integer(0);
        int height = n.get("height").integer(0);
        double fps = n.get("fps").number(0);
        String format = n.get("pixel_format").text(null);
        SourceSpec.Device d = n.make(() -> new SourceSpec.Device(path, width, height, fps, format));
        if (d.pixelFormat() != null) n.get("pixel_format").keep(d.pixelFormat());
        return d;
    }

    private static SourceSpec.Stream stream(ConfigNode n) {
        String url = n.get("stream").requiredText("a URL such as rtsp://user:${RTSP_PASSWORD}@192.168.1.10/stream1").strip();
        String transport = n.get("transport").text(null);
        Duration connect = timeout(n.get("connect_timeout_s"));
        Duration read = timeout(n.get("read_timeout_s"));
        SourceSpec.Stream st = n.make(() -> new SourceSpec.Stream(url, transport, connect, read));
        n.get("transport").keep(st.transport());
        return st;
    }

    private static Duration timeout(ConfigNode n) {
        return n.seconds(SourceSpec.Stream.DEFAULT_TIMEOUT.toNanos() / 1e9);
    }

    private static SourceSpec.Command command(ConfigNode n) {
        ConfigNode c = n.get("command");
        List<String> argv;
        if (c.isList()) {
            argv = new ArrayList<>();
            for (ConfigNode item : c.list("program arguments")) argv.add(item.requiredText("a program argument"));
        } else {
            argv = split(c, c.requiredText("a command line such as \"rpicam-vid -t 0 --codec mjpeg -o -\", or a list of arguments"));
        }
        boolean restart = n.get("restart").bool(true);
        Map<String, String> env = env(n.get("env"));
        List<String> args = argv;
        return n.make(() -> new SourceSpec.Command(args, restart, env));
    }

    /**
     * What the command gets besides {@link SourceSpec.Command#BASE_ENV}: a list of names passed on from the daemon's
     * environment ({@code env: [XDG_RUNTIME_DIR]}), or a mapping of names to values ({@code env: {TOKEN: "${CAM_TOKEN}"}}).
     * Every value taken from the environment is held secret ({@link Secrets}): it is usually why the command needs it.
     */
    private static Map<String, String> env(ConfigNode n) {
        Map<String, String> env = new LinkedHashMap<>();
        if (n.isList()) {
            for (ConfigNode item : n.list("variable names")) {
                String name = item.requiredText("a variable name such as XDG_RUNTIME_DIR").strip();
                String value = n.context().env().get(name);
                if (value == null) throw item.fail("environment variable " + name + " is not set; set it, or remove it from env");
                Secrets.register(value);
                env.put(name, value);
            }
        } else {
            for (Map.Entry<String, ConfigNode> e : n.entries("variable names to values").entrySet()) env.put(e.getKey(), e.getValue().text(""));
        }
        return env;
    }

    /**
     * Splits a command line into arguments as a POSIX shell would for plain words and quotes ('...', "...", \x),
     * without running a shell: no variables, globs or pipes, so a config never runs more than the one program.
     */
    static List<String> split(ConfigNode at, String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote == '\'') {
                if (ch == '\'') quote = 0;
                else word.append(ch);
            } else if (quote == '"') {
                if (ch == '"') quote = 0;
                else if (ch == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) word.append(line.charAt(++i));
                else word.append(ch);
            } else if (Character.isWhitespace(ch)) {
                if (inWord) out.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                inWord = true;
                if (ch == '\'' || ch == '"') quote = ch;
                else if (ch == '\\' && i + 1 < line.length()) word.append(line.charAt(++i));
                else word.append(ch);
            }
        }
        if (quote != 0) throw at.fail(at.show() + " has an unclosed " + quote + " quote");
        if (inWord) out.add(word.toString());
        return out;
    }
}
