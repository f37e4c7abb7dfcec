package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads {@code cameras.NAME.source}: exactly one of device, stream, file, folder, command, with that kind's options. */
final class SourceReader {

    /** Each kind's keys, its own key first. */
    private static final Map<String, List<String>> KINDS = new LinkedHashMap<>();
    static {
        KINDS.put("device", List.of("device", "width", "height", "fps", "pixel_format"));
        KINDS.put("stream", List.of("stream", "transport", "connect_timeout_s", "read_timeout_s"));
        KINDS.put("file", List.of("file", "loop", "fps"));
        KINDS.put("folder", List.of("folder", "fps", "loop"));
        KINDS.put("command", List.of("command", "restart"));
    }

    private static final List<String> SCHEMES = List.of("rtsp://", "http://", "https://");
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
            case "file" -> new SourceSpec.VideoFile(n.get("file").path(null), n.get("loop").bool(false),
                    n.get("fps").number(0, 0, 1000));
            case "folder" -> new SourceSpec.Folder(n.get("folder").path(null), fps(n.get("fps"), 5),
                    n.get("loop").bool(false));
            default -> command(n);
        };
    }

    private static SourceSpec.Device device(ConfigNode n) {
        ConfigNode dev = n.get("device");
        String path = dev.requiredText("a V4L2 device such as /dev/video0");
        if (!path.startsWith("/dev/")) throw dev.fail(dev.show() + " is not a device path like /dev/video0");
        int width = n.get("width").integer(0, 0, 16384);
        int height = n.get("height").integer(0, 0, 16384);
        if ((width == 0) != (height == 0)) {
            ConfigNode given = width == 0 ? n.get("height") : n.get("width");
            throw given.fail("width and height go together; give both, or neither for the camera's default");
        }
        String format = n.get("pixel_format").oneOf(null, List.of("mjpeg", "yuyv"));
        return new SourceSpec.Device(path, width, height, n.get("fps").number(0, 0, 1000), format);
    }

    private static SourceSpec.Stream stream(ConfigNode n) {
        ConfigNode s = n.get("stream");
        String url = s.requiredText("a URL such as rtsp://user:${RTSP_PASSWORD}@192.168.1.10/stream1").strip();
        String lower = url.toLowerCase(Locale.ROOT);
        if (SCHEMES.stream().noneMatch(lower::startsWith)) {
            throw s.fail(s.show() + " is not " + String.join(", ", SCHEMES));
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0) end = Math.min(end, i);
        }
        String authority = rest.substring(0, end);
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        if (host.isEmpty() || host.startsWith(":")) throw s.fail(s.show() + " has no host");
        String transport = n.get("transport").oneOf("tcp", List.of("tcp", "udp"));
        if (transport.equals("udp") && !lower.startsWith("rtsp://")) {
            throw n.get("transport").fail("udp is for rtsp:// streams only; leave transport out for http(s)");
        }
        Duration connect = timeout(n.get("connect_timeout_s"));
        Duration read = timeout(n.get("read_timeout_s"));
        return new SourceSpec.Stream(url, transport, connect, read);
    }

    private static Duration timeout(ConfigNode n) {
        double s = n.number(10, 0, 3600);
        if (s == 0) throw n.fail(n.show() + " must be above 0 (a timeout keeps a dead camera from blocking a thread)");
        return Duration.ofMillis(Math.round(s * 1000));
    }

    private static double fps(ConfigNode n, double def) {
        double v = n.number(def, 0, 1000);
        if (v == 0) throw n.fail(n.show() + " must be above 0");
        return v;
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
        if (argv.isEmpty()) throw c.fail("is empty; give the program and its arguments");
        return new SourceSpec.Command(List.copyOf(argv), n.get("restart").bool(true));
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
