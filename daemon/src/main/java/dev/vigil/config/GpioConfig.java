package dev.vigil.config;

import dev.vigil.alarm.AlarmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code gpio:} section: named outputs and inputs on BCM pins, a heartbeat, the alarm timing, actions bound to rule
 * groups and alarm states, and the quality-control stations. {@link #NONE} when the section is absent.
 *
 * @param mock  use the Pi4J mock even where a GPIO chip exists
 * @param chip  {@code auto} (the Pi's pinctrl chip, else gpiochip0), a chip name ({@code gpiochip4}) or a device path
 * @param qc    by camera name
 */
public record GpioConfig(boolean present, boolean mock, String chip, Map<String, Output> outputs, Map<String, Input> inputs,
                         Optional<Heartbeat> heartbeat, Alarm alarm, List<Action> actions, Map<String, Qc> qc) {

    public static final String AUTO_CHIP = "auto";

    public static final GpioConfig NONE = new GpioConfig(false, false, AUTO_CHIP, Map.of(), Map.of(), Optional.empty(),
            Alarm.DEFAULT, List.of(), Map.of());

    public enum OutputKind { BUZZER, LED, RELAY }

    public enum InputKind { ARM, WAKE, TRIGGER }

    public enum Pull { UP, DOWN, OFF }

    /** An output; its safe state is inactive: LOW, or HIGH when {@code activeLow}. */
    public record Output(String name, int pin, OutputKind kind, boolean activeLow) {}

    /**
     * An input. {@code active} is HIGH, or LOW when {@code activeLow} (a switch to ground with a pull-up).
     *
     * @param hold    wake inputs: how long inference goes on after the sensor goes inactive (else zero)
     * @param cameras the cameras it arms or wakes (all when the config names none); empty for triggers (bound by qc)
     */
    public record Input(String name, int pin, InputKind kind, Duration debounce, Pull pull, boolean activeLow,
                        Duration hold, List<String> cameras) {}

    /**
     * Toggles every {@code period} while frames flow and inference succeeds; stops (and goes inactive) once the newest
     * frame through the inference loop is older than {@code stale} (default: one period, so it stops within two), or
     * inference failed since its last success. Give a period longer than the time between two frames.
     */
    public record Heartbeat(int pin, Duration period, Duration stale, boolean activeLow) {}

    /**
     * @param groups      the rule groups that move a camera from ARMED to TRIGGERED (empty: every group)
     * @param triggeredFor TRIGGERED lasts this long after the last trigger, then COOLDOWN
     * @param cooldown    COOLDOWN (triggers ignored) lasts this long, then ARMED
     */
    public record Alarm(Set<String> groups, Duration triggeredFor, Duration cooldown) {
        public static final Alarm DEFAULT = new Alarm(Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

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

    public enum Snapshots { ALL, NG, NONE }

    /**
     * A quality-control station on one camera: a trigger input's rising edge takes the next frame, its classification
     * becomes OK, NG or UNCERTAIN, and an NG part is pushed off the line by {@code reject} {@code delay} after the edge.
     *
     * @param okLabels    labels of a good part (empty: a part is OK when it is not NG)
     * @param ngLabels    labels of a bad part (empty: a part is NG when it is not OK)
     * @param maxWait     a part without a frame captured within this time after its edge is UNCERTAIN
     * @param audit       the audit journal (one JSON line per part); snapshots are written beside it
     */
    public record Qc(String camera, String trigger, String reject, Duration delay, Duration pulse, Set<String> okLabels,
                     Set<String> ngLabels, float okMinScore, float ngMinScore, Duration maxWait, boolean rejectUncertain,
                     Path audit, Snapshots snapshots) {}

    /** The inputs of one kind, in file order. */
    public List<Input> inputs(InputKind kind) {
        return inputs.values().stream().filter(i -> i.kind() == kind).toList();
    }
}
