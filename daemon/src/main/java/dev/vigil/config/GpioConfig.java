package dev.vigil.config;

import dev.vigil.alarm.AlarmState;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code gpio:} section: named outputs and inputs on BCM pins, a heartbeat, and actions bound to rule groups and
 * alarm states. {@link #NONE} when the section is absent. The alarm timing and the QC stations are decisions of their
 * own ({@link AlarmConfig}, {@link QcConfig}); a QC station's trigger and reject name an input and an output here.
 * Every record checks itself; keys in errors are relative to the record (see {@link ConfigException#at}).
 *
 * @param mock  use the Pi4J mock even where a GPIO chip exists
 * @param chip  {@code auto} (the Pi's pinctrl chip, else gpiochip0), a chip name ({@code gpiochip4}) or a device path
 */
public record GpioConfig(boolean present, boolean mock, String chip, Map<String, Output> outputs, Map<String, Input> inputs,
                         Optional<Heartbeat> heartbeat, List<Action> actions) {

    public static final String AUTO_CHIP = "auto";
    /** BCM numbers are line offsets of the chip: 0..27 on a Pi's header, larger on other boards. */
    public static final int MAX_PIN = 1023;
    /** The heartbeat's pin name; no output or input may take it. */
    public static final String HEARTBEAT = "heartbeat";

    public static final GpioConfig NONE = new GpioConfig(false, false, AUTO_CHIP, Map.of(), Map.of(), Optional.empty(), List.of());

    public GpioConfig {
        if (chip == null || chip.isBlank()) throw ConfigException.at("chip", "is empty; give auto, a chip name like gpiochip0, or a path like /dev/gpiochip4");
        if (chip.contains("/") && !chip.startsWith("/dev/")) throw ConfigException.at("chip", "\"" + chip + "\" is not a chip name or a /dev/gpiochipN path");
        Map<Integer, String> pins = new HashMap<>();
        for (Output o : outputs.values()) claim(pins, o.pin(), "outputs." + o.name() + ".pin");
        for (Input i : inputs.values()) {
            if (outputs.containsKey(i.name())) throw ConfigException.at("inputs." + i.name(), "is also the name of an output; give each pin its own name");
            claim(pins, i.pin(), "inputs." + i.name() + ".pin");
        }
        heartbeat.ifPresent(h -> claim(pins, h.pin(), "heartbeat.pin"));
        for (int k = 0; k < actions.size(); k++) {
            String why = notAnOutput(outputs, actions.get(k).output());
            if (why != null) throw ConfigException.at("actions[" + k + "].output", why);
        }
    }

    /** Why {@code name} is not one of {@code outputs}, or null when it is (actions and QC rejects name outputs). */
    static String notAnOutput(Map<String, Output> outputs, String name) {
        if (outputs.containsKey(name)) return null;
        return "\"" + name + "\" is not an output under gpio.outputs"
                + (outputs.isEmpty() ? " (there are none)" : " (" + String.join(", ", outputs.keySet()) + ")");
    }

    private static void claim(Map<Integer, String> pins, int pin, String key) {
        String other = pins.putIfAbsent(pin, "gpio." + key);
        if (other != null) throw ConfigException.at(key, "BCM " + pin + " is already used by " + other + "; give each part its own pin");
    }

    public enum OutputKind { BUZZER, LED, RELAY }

    /** arm: a key switch; wake: a PIR; trigger: a light barrier (QC); wrong: a button that marks the newest event a false alarm. */
    public enum InputKind { ARM, WAKE, TRIGGER, WRONG }

    public enum Pull { UP, DOWN, OFF }

    /** Every word of an enum as the config writes it: {@code buzzer, led, relay}. */
    static List<String> words(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toList());
    }

    /** An output; its safe state is inactive: LOW, or HIGH when {@code activeLow}. */
    public record Output(String name, int pin, OutputKind kind, boolean activeLow) {
        public Output {
            Check.name("", name, "an output", "it becomes a metric tag");
            if (name.equals(HEARTBEAT)) throw ConfigException.at("", "is the heartbeat's name; configure it under gpio.heartbeat: {pin, period_ms}");
            Check.within("pin", pin, 0, MAX_PIN);
            if (kind == null) throw ConfigException.at("kind", "missing; give one of " + String.join(", ", words(OutputKind.class)));
        }
    }

    /**
     * An input. {@code active} is HIGH, or LOW when {@code activeLow} (a switch to ground with a pull-up).
     *
     * @param hold    wake inputs: how long inference goes on after the sensor goes inactive (else zero)
     * @param cameras the cameras it arms, wakes or marks events of (all when the config names none); empty for triggers (bound by qc:)
     */
    public record Input(String name, int pin, InputKind kind, Duration debounce, Pull pull, boolean activeLow,
                        Duration hold, List<String> cameras) {
        public Input {
            Check.name("", name, "an input", "it becomes a metric tag");
            if (name.equals(HEARTBEAT)) throw ConfigException.at("", "is the heartbeat output's name; give the input another name");
            Check.within("pin", pin, 0, MAX_PIN);
            if (kind == null) throw ConfigException.at("kind", "missing; give one of " + String.join(", ", words(InputKind.class)));
            Check.millis("debounce_ms", debounce, 0, 10_000);
            if (kind != InputKind.WAKE && !hold.isZero()) throw ConfigException.at("hold_s", "only a wake input has a hold time");
            Check.seconds("hold_s", hold, 0);
            if (kind == InputKind.TRIGGER && !cameras.isEmpty()) {
                throw ConfigException.at("cameras", "a trigger input is bound to its camera by qc: (qc: {CAMERA: {trigger: " + name + "}})");
            }
            cameras = List.copyOf(cameras);
        }
    }

    /**
     * Toggles every {@code period} while frames flow and inference succeeds; stops (and goes inactive) once the newest
     * frame through the inference loop is older than {@code stale} (default: one period, so it stops within two), or
     * inference failed since its last success. Give a period longer than the time between two frames.
     */
    public record Heartbeat(int pin, Duration period, Duration stale, boolean activeLow) {
        public Heartbeat {
            Check.within("pin", pin, 0, MAX_PIN);
            Check.millis("period_ms", period, 10, 60_000);
            Check.millis("stale_ms", stale, 1, 600_000);
        }
    }

    /** What an action does to its output; keys in errors are relative to the action. */
    public sealed interface Effect {
        /** On for {@code length}; a second pulse while on extends it. */
        record Pulse(Duration length) implements Effect {
            public Pulse {
                Check.millis("pulse_ms", length, 1, 3_600_000);
            }
        }

        /** On until the camera is disarmed or the outputs are reset. */
        record Latch() implements Effect {}

        /** {@code repeats} times on for {@code on}, off for {@code off} (a beep or a blink). */
        record Pattern(Duration on, Duration off, int repeats) implements Effect {
            public Pattern {
                Check.millis("pattern.on_ms", on, 1, 60_000);
                Check.millis("pattern.off_ms", off, 1, 60_000);
                Check.within("pattern.repeats", repeats, 1, 1000);
            }
        }
    }

    /**
     * When {@code group} fires on {@code camera} (any camera when empty) while armed, or when a camera enters
     * {@code state}: do {@code effect} on {@code output}. Exactly one of group and state is present.
     */
    public record Action(String path, Optional<String> camera, Optional<String> group, Optional<AlarmState> state,
                         String output, Effect effect) {
        public Action {
            if (group.isPresent() == state.isPresent()) {
                throw ConfigException.at("", "give either group: (a rule group fires) or state: ("
                        + String.join(", ", Arrays.stream(AlarmState.values()).map(AlarmState::word).toList()) + "), not "
                        + (group.isPresent() ? "both" : "neither"));
            }
            if (effect == null) throw ConfigException.at("", "give exactly one of pulse_ms: N, latch: true, pattern: {on_ms, off_ms, repeats}");
        }
    }

    /** The inputs of one kind, in file order. */
    public List<Input> inputs(InputKind kind) {
        return inputs.values().stream().filter(i -> i.kind() == kind).toList();
    }
}
