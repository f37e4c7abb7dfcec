package dev.vigil.config;

import dev.vigil.alarm.AlarmState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gpio:} section: named outputs and inputs on BCM pins, a heartbeat, and actions bound to rule groups and
 * alarm states. {@link #NONE} when the section is absent. The alarm timing and the QC stations are decisions of their
 * own ({@link AlarmConfig}, {@link QcConfig}); a QC station's trigger and reject name an input and an output here.
 *
 * @param mock  use the Pi4J mock even where a GPIO chip exists
 * @param chip  {@code auto} (the Pi's pinctrl chip, else gpiochip0), a chip name ({@code gpiochip4}) or a device path
 */
public record GpioConfig(boolean present, boolean mock, String chip, Map<String, Output> outputs, Map<String, Input> inputs,
                         Optional<Heartbeat> heartbeat, List<Action> actions) {

    public static final String AUTO_CHIP = "auto";

    public static final GpioConfig NONE = new GpioConfig(false, false, AUTO_CHIP, Map.of(), Map.of(), Optional.empty(), List.of());

    public enum OutputKind { BUZZER, LED, RELAY }

    public enum InputKind { ARM, WAKE, TRIGGER }

    public enum Pull { UP, DOWN, OFF }

    /** An output; its safe state is inactive: LOW, or HIGH when {@code activeLow}. */
    public record Output(String name, int pin, OutputKind kind, boolean activeLow) {}

    /**
     * An input. {@code active} is HIGH, or LOW when {@code activeLow} (a switch to ground with a pull-up).
     *
     * @param hold    wake inputs: how long inference goes on after the sensor goes inactive (else zero)
     * @param cameras the cameras it arms or wakes (all when the config names none); empty for triggers (bound by qc:)
     */
    public record Input(String name, int pin, InputKind kind, Duration debounce, Pull pull, boolean activeLow,
                        Duration hold, List<String> cameras) {}

    /**
     * Toggles every {@code period} while frames flow and inference succeeds; stops (and goes inactive) once the newest
     * frame through the inference loop is older than {@code stale} (default: one period, so it stops within two), or
     * inference failed since its last success. Give a period longer than the time between two frames.
     */
    public record Heartbeat(int pin, Duration period, Duration stale, boolean activeLow) {}

    /** What an action does to its output. */
    public sealed interface Effect {
        /** On for {@code length}; a second pulse while on extends it. */
        record Pulse(Duration length) implements Effect {}

        /** On until the camera is disarmed or the outputs are reset. */
        record Latch() implements Effect {}

        /** {@code repeats} times on for {@code on}, off for {@code off} (a beep or a blink). */
        record Pattern(Duration on, Duration off, int repeats) implements Effect {}
    }

    /**
     * When {@code group} fires on {@code camera} (any camera when empty) while armed, or when a camera enters
     * {@code state}: do {@code effect} on {@code output}. Exactly one of group and state is present.
     */
    public record Action(String path, Optional<String> camera, Optional<String> group, Optional<AlarmState> state,
                         String output, Effect effect) {}

    /** The inputs of one kind, in file order. */
    public List<Input> inputs(InputKind kind) {
        return inputs.values().stream().filter(i -> i.kind() == kind).toList();
    }
}
