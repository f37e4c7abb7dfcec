package dev.vigil.gpio;

import dev.vigil.config.GpioConfig;
import dev.vigil.config.VigilConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code vigil run --mock-input NAME=LEVEL}: where the mock stands in for GPIO (a PC, {@code gpio.mock: true}), the
 * inputs would rest forever and a doorbell with an arm switch and a PIR would never ring. This sets the level each
 * mock input holds from the start. NAME is an input of {@code gpio.inputs}, or its kind (arm, wake, trigger) when one
 * input has it; LEVEL is {@code active} or {@code inactive} (what the input means, whatever its active_low) or
 * {@code high} or {@code low} (the physical level).
 */
public final class MockInputs {

    private static final List<String> LEVELS = List.of("active", "inactive", "high", "low");

    private MockInputs() {}

    /** The physical level (true: HIGH) of each named input; an unknown name or level is one line naming it. */
    public static Map<String, Boolean> parse(List<String> specs, GpioConfig gpio) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--mock-input " + spec + ": give NAME=LEVEL, e.g. arm=active");
            String name = spec.substring(0, eq).strip();
            String level = spec.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            GpioConfig.Input in = input(spec, name, gpio);
            if (!LEVELS.contains(level))
                throw new IllegalArgumentException("--mock-input " + spec + ": \"" + level + "\" is not one of " + String.join(", ", LEVELS));
            boolean high = switch (level) {
                case "high" -> true;
                case "low" -> false;
                default -> level.equals("active") != in.activeLow();
            };
            out.put(in.name(), high);
        }
        return out;
    }

    private static GpioConfig.Input input(String spec, String name, GpioConfig gpio) {
        Map<String, GpioConfig.Input> inputs = gpio.inputs();
        if (inputs.isEmpty()) throw new IllegalArgumentException("--mock-input " + spec + ": the config has no gpio.inputs");
        GpioConfig.Input in = inputs.get(name);
        if (in != null) return in;
        List<GpioConfig.Input> ofKind = inputs.values().stream().filter(i -> i.kind().name().equalsIgnoreCase(name)).toList();
        if (ofKind.size() == 1) return ofKind.getFirst();
        throw new IllegalArgumentException("--mock-input " + spec + ": no input " + name + " in gpio.inputs (inputs: "
                + String.join(", ", inputs.keySet()) + ")");
    }

    /**
     * The hardware {@code open} gives, with {@code levels} set on its mock inputs before they are claimed; refused when
     * it is a real chip, whose inputs are wired to something.
     */
    public static Function<VigilConfig, GpioPins> pins(Function<VigilConfig, GpioPins> open, Map<String, Boolean> levels) {
        if (levels.isEmpty()) return open;
        return cfg -> {
            GpioPins p = open.apply(cfg);
            if (!(p instanceof Pi4jPins mock) || !p.isMock()) {
                String what = p.description();
                p.close();
                throw new IllegalArgumentException("--mock-input: GPIO is " + what + " here, not the mock; drop --mock-input, or set "
                        + "gpio.mock: true to try the config without the hardware");
            }
            levels.forEach(mock::restMockInput);
            return p;
        };
    }
}
