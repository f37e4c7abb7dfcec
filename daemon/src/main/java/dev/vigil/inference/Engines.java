package dev.vigil.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The engines this process can run, by name. tflite is built in; every other engine is an {@link EngineProvider}
 * on the class path, looked for only when one is asked for, so a start on tflite loads and scans nothing more.
 */
public final class Engines {

    public static final String TFLITE = "tflite";

    /**
     * Engines of the design that an installation may lack: where each can run at all, and the jar that brings it.
     * Only so that asking for one where it is absent says why in one line, instead of "unknown engine".
     */
    record OptionalEngine(String name, String platform, String why, String jar) {}

    static final List<OptionalEngine> OPTIONAL = List.of(
            new OptionalEngine("djl", "linux-x86_64", "the DJL TFLite engine ships x86_64 natives only", "vigil-djl"));

    private Engines() {}

    /** Opens a model on the named engine; an unknown name is an IllegalArgumentException, an absent engine a ModelLoadException. */
    public static InferenceEngine open(String name, Path model, EngineOptions options) {
        if (TFLITE.equals(name)) return TfliteEngine.open(model, options);
        return provider(name).open(model, options);
    }

    /** Empty when the named engine can run here, else the one-line reason (as {@link #open} would throw it). */
    public static Optional<String> problem(String name) {
        if (TFLITE.equals(name)) return Optional.empty();
        try {
            provider(name);
            return Optional.empty();
        } catch (ModelLoadException | IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Every engine name this build knows: tflite, the providers found, and the optional ones of the design. */
    public static List<String> known() {
        Set<String> names = new LinkedHashSet<>();
        names.add(TFLITE);
        for (EngineProvider p : Found.PROVIDERS) names.add(p.name());
        for (OptionalEngine o : OPTIONAL) names.add(o.name());
        return List.copyOf(names);
    }

    /** The engines that can run here, tflite first. */
    public static List<String> available() {
        List<String> out = new ArrayList<>(List.of(TFLITE));
        for (EngineProvider p : Found.PROVIDERS) if (p.unavailable().isEmpty()) out.add(p.name());
        return out;
    }

    private static EngineProvider provider(String name) {
        for (EngineProvider p : Found.PROVIDERS) {
            if (!p.name().equals(name)) continue;
            Optional<String> why = p.unavailable();
            if (why.isPresent()) throw new ModelLoadException(notAvailable(name, why.get()));
            return p;
        }
        for (OptionalEngine o : OPTIONAL)
            if (o.name().equals(name)) throw new ModelLoadException(absent(o, platform()));
        throw new IllegalArgumentException("engine: \"" + name + "\" is not one of " + String.join(", ", known()));
    }

    /** Empty when the named optional engine can run on the platform, else "on PLATFORM (why)". */
    static Optional<String> wrongPlatform(String name, String platform) {
        return OPTIONAL.stream().filter(o -> o.name().equals(name) && !o.platform().equals(platform))
                .findFirst().map(o -> "on " + platform + " (" + o.why() + ")");
    }

    /** The line for an optional engine whose jar is not on the class path. */
    static String absent(OptionalEngine o, String platform) {
        Optional<String> wrong = wrongPlatform(o.name(), platform);
        if (wrong.isPresent()) return notAvailable(o.name(), wrong.get());
        return notAvailable(o.name(), "in this installation (the " + o.jar() + " jar is not on the class path; the amd64"
                + " package and ./vigil in a built checkout have it)");
    }

    /** "engine: NAME is not available WHY; use engine: tflite", the one line every absent engine gives. */
    public static String notAvailable(String name, String why) {
        return "engine: " + name + " is not available " + why + "; use engine: " + TFLITE;
    }

    /** This JVM's platform as the packages name it: linux-x86_64, linux-arm64, ... */
    public static String platform() {
        return platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static String platform(String osName, String osArch) {
        String os = osName == null ? "unknown" : osName.toLowerCase(Locale.ROOT).split(" ")[0];
        String arch = osArch == null ? "unknown" : switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
        return os + "-" + arch;
    }

    /** Found once, on first use: a provider whose jar is broken is left out with a warning, not a failed start. */
    private static final class Found {
        static final List<EngineProvider> PROVIDERS = load();

        private static List<EngineProvider> load() {
            List<EngineProvider> out = new ArrayList<>();
            Iterator<EngineProvider> it = ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader()).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) break;
                    out.add(it.next());
                } catch (ServiceConfigurationError e) {
                    LoggerFactory.getLogger(Engines.class).warn("an inference engine on the class path cannot be loaded: {}",
                            e.getMessage());
                }
            }
            return List.copyOf(out);
        }
    }
}
