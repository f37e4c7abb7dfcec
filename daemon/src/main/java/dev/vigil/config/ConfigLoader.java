package dev.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.capture.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the daemon's YAML configuration into a checked {@link VigilConfig}. Any problem is a {@link ConfigException}
 * whose message is one line starting with the key path and showing the bad value, e.g.
 * {@code cameras.door.groups.person.min_score: 1.5 is not within 0..1}. Unknown keys are errors (a typo never
 * silently becomes a default), {@code ${VAR}} and {@code ${VAR:-default}} are taken from the environment, and
 * relative paths are resolved against the config file's folder. Whether the model exists is not checked here: the
 * daemon resolves it against the catalog.
 */
public final class ConfigLoader {

    /** The top-level keys (see {@link ConfigReader}). */
    static final List<String> TOP_KEYS = ConfigReader.TOP_KEYS;

    /** The variable the embedded demo's folder source reads; {@link #demo} sets it. */
    public static final String DEMO_IMAGES_VARIABLE = "VIGIL_TEST_IMAGES";
    static final String DEMO_RESOURCE = "/config/demo.yaml";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private ConfigLoader() {}

    /** Reads a config file with the process environment. Errors carry the file ({@link ConfigException#located()}). */
    public static VigilConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** Reads a config file with the given environment (for tests and for callers that add variables). */
    public static VigilConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            if (Files.isDirectory(file)) throw new ConfigException("is a folder; give a YAML file (see config/ for examples)");
            // A strict decoder: a config saved as Latin-1 is an error, not a label with a replacement character.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException("no such file; give an existing YAML file (see config/ for examples)").in(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException("is not UTF-8 text; save the config as UTF-8").in(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")").in(file);
        } catch (ConfigException e) {
            throw e.in(file);
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        try {
            VigilConfig c = parse(text, base, env);
            return new VigilConfig(Optional.of(file), c.inference(), c.http(), c.events(), c.cameras(), c.alarm(), c.qc(), c.gpio(),
                    c.power(), c.logging(), c.mqtt(), c.webhooks(), c.drift(), c.sampling(), c.warnings(), c.effective());
        } catch (ConfigException e) {
            throw e.in(file);
        }
    }

    /**
     * Reads config text.
     *
     * @param baseDir relative paths are resolved against it (the config file's folder)
     * @param env     the environment {@code ${VAR}} reads
     */
    public static VigilConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        return parse(yaml, baseDir, env, new Effective());
    }

    /** As {@link #parse(String, Path, Map)}, writing what the readers read into {@code effective}. */
    static VigilConfig parse(String yaml, Path baseDir, Map<String, String> env, Effective effective) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(yamlError(e));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException("config: is empty; expected a mapping with at least cameras:");
        }
        Map<JsonNode, EnvSubstitution.Substituted> substituted = new IdentityHashMap<>();
        EnvSubstitution.apply(tree, env, substituted);
        ConfigNode root = ConfigNode.root(tree, new ConfigNode.Context(baseDir.toAbsolutePath().normalize(), substituted, effective, env));
        return ConfigReader.read(root, effective);
    }

    /**
     * The embedded default: one camera replaying the test images in a loop (see {@code config/demo.yaml}), events in
     * {@code ./events} of the working directory.
     *
     * @param images the folder of test images, or a folder holding {@code test-images/} (the shared data or a mirror)
     */
    public static VigilConfig demo(Path images) {
        Path dir = Files.isDirectory(images.resolve("test-images")) ? images.resolve("test-images") : images;
        return parse(demoText(), Path.of("").toAbsolutePath(), Map.of(DEMO_IMAGES_VARIABLE, dir.toAbsolutePath().toString()));
    }

    static String demoText() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) throw new IllegalStateException(DEMO_RESOURCE + " is missing from the classpath; rebuild the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + DEMO_RESOURCE, e);
        }
    }

    /** The text with credentials in its URLs masked ({@code rtsp://user:***@host/...}); see {@link Redaction}. */
    public static String redact(String text) {
        return Redaction.redact(text);
    }

    private static String yamlError(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? "invalid" : e.getOriginalMessage();
        var loc = e.getLocation();
        String at = loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        Matcher dup = DUPLICATE.matcher(msg);
        if (dup.find()) {
            // The parser stands after the second value: its line is right, its column is not the key's.
            return "config: key '" + dup.group(1) + "' appears twice" + (loc == null ? "" : " (line " + loc.getLineNr() + ")");
        }
        // SnakeYAML's message opens with the context ("while parsing a flow node"); the problem and its place say more.
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            var mark = y.getProblemMark();
            String where = mark == null ? at : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            return "config: not valid YAML" + (where.isEmpty() ? "" : " at " + where) + ": " + y.getProblem();
        }
        String first = msg.lines().map(String::strip).filter(s -> !s.isEmpty()).findFirst().orElse("invalid");
        return "config: not valid YAML" + (at.isEmpty() ? "" : " at " + at) + ": " + first;
    }

    /**
     * The configuration as YAML in the file's own shape, with every default filled in and credentials masked: for
     * {@code vigil check-config --print}. It is what the readers read (see {@link Effective}), so it reads back to the
     * same configuration.
     */
    public static String toYaml(VigilConfig c) {
        return c.effective();
    }

    // ---- one-line descriptions ----

    /** A source in a few words, credentials masked: {@code stream rtsp://user:***@10.0.0.7/stream1}. */
    public static String describe(SourceSpec s) {
        return switch (s) {
            case SourceSpec.Device d -> "device " + d.path() + (d.width() > 0 ? " " + d.width() + "x" + d.height() : "")
                    + (d.fps() > 0 ? " " + number(d.fps()) + " fps" : "") + (d.pixelFormat() != null ? " " + d.pixelFormat() : "");
            case SourceSpec.Stream st -> "stream " + Redaction.redact(st.url());
            case SourceSpec.VideoFile f -> "file " + f.path() + (f.fps() > 0 ? " " + number(f.fps()) + " fps" : "") + (f.loop() ? " loop" : "");
            case SourceSpec.Folder f -> "folder " + f.path() + " " + number(f.fps()) + " fps" + (f.loop() ? " loop" : "");
            case SourceSpec.Command c -> "command " + Redaction.redact(String.join(" ", c.argv()));
        };
    }

    /** {@code 2 cameras: door (stream rtsp://user:***@...), yard (device /dev/video0) (disabled)}. */
    public static String summary(VigilConfig c) {
        int n = c.cameras().size();
        return n + (n == 1 ? " camera: " : " cameras: ") + c.cameras().values().stream()
                .map(cam -> cam.name() + " (" + describe(cam.source()) + ")" + (cam.enabled() ? "" : " (disabled)"))
                .collect(Collectors.joining(", "));
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
