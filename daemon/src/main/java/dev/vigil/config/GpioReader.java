package dev.vigil.config;

import dev.vigil.alarm.AlarmState;
import dev.vigil.config.GpioConfig.Action;
import dev.vigil.config.GpioConfig.Effect;
import dev.vigil.config.GpioConfig.Input;
import dev.vigil.config.GpioConfig.InputKind;
import dev.vigil.config.GpioConfig.Output;
import dev.vigil.config.GpioConfig.OutputKind;
import dev.vigil.config.GpioConfig.Pull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code gpio:} section into a {@link GpioConfig}; every error names its key path. */
final class GpioReader {

    static final List<String> KEYS = List.of("mock", "chip", "outputs", "inputs", "heartbeat", "actions");
    /** Read by {@link DecisionReader} from here with a deprecation warning; their place is the top level now. */
    static final List<String> MOVED_KEYS = List.of("alarm", "qc");
    private static final List<String> OUTPUT_KEYS = List.of("pin", "kind", "active_low");
    private static final List<String> INPUT_KEYS = List.of("pin", "kind", "debounce_ms", "pull", "active_low", "hold_s", "cameras");
    private static final List<String> HEARTBEAT_KEYS = List.of("pin", "period_ms", "stale_ms", "active_low");
    private static final List<String> ACTION_KEYS = List.of("group", "state", "camera", "output", "pulse_ms", "latch", "pattern");
    private static final List<String> PATTERN_KEYS = List.of("on_ms", "off_ms", "repeats");
    /** BCM numbers are line offsets of the chip: 0..27 on a Pi's header, larger on other boards. */
    static final int MAX_PIN = 1023;

    private GpioReader() {}

    static GpioConfig read(ConfigNode n, Map<String, CameraConfig> cameras) {
        if (n.missing()) return GpioConfig.NONE;
        n.mapping("GPIO settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS, MOVED_KEYS);
        boolean mock = n.get("mock").bool(false);
        ConfigNode chipNode = n.get("chip");
        String chip = chipNode.text(GpioConfig.AUTO_CHIP).strip();
        if (chip.isEmpty()) throw chipNode.fail("is empty; give auto, a chip name like gpiochip0, or a path like /dev/gpiochip4");
        if (chip.contains("/") && !chip.startsWith("/dev/")) throw chipNode.fail(chipNode.show() + " is not a chip name or a /dev/gpiochipN path");

        Map<Integer, String> pins = new HashMap<>();
        Map<String, Output> outputs = outputs(n.get("outputs"), pins);
        Map<String, Input> inputs = inputs(n.get("inputs"), pins, cameras);
        for (String name : inputs.keySet()) {
            if (outputs.containsKey(name)) throw n.get("inputs").get(name).fail("is also the name of an output; give each pin its own name");
        }
        Optional<GpioConfig.Heartbeat> heartbeat = heartbeat(n.get("heartbeat"), pins);
        List<Action> actions = actions(n.get("actions"), outputs, cameras);
        return new GpioConfig(true, mock, chip, outputs, inputs, heartbeat, actions);
    }

    private static int pin(ConfigNode n, Map<Integer, String> used) {
        ConfigNode p = n.get("pin");
        if (p.missing()) throw p.fail("missing; give the BCM GPIO number, e.g. pin: 17 (header pin 11)");
        int pin = p.integer(0, 0, MAX_PIN);
        String other = used.putIfAbsent(pin, p.path());
        if (other != null) throw p.fail("BCM " + pin + " is already used by " + other + "; give each part its own pin");
        return pin;
    }

    private static void name(String name, ConfigNode n, String what) {
        if (!CameraReader.NAME.matcher(name).matches()) throw n.fail("a" + what + " name is " + CameraReader.NAME_RULE + " (it becomes a metric tag)");
    }

    private static Map<String, Output> outputs(ConfigNode n, Map<Integer, String> pins) {
        Map<String, Output> out = new LinkedHashMap<>();
        for (var e : n.entries("output name to {pin, kind, active_low}, e.g. relay: {pin: 17, kind: relay}").entrySet()) {
            ConfigNode o = e.getValue();
            name(e.getKey(), o, "n output");
            if (e.getKey().equals("heartbeat")) throw o.fail("is the heartbeat's name; configure it under gpio.heartbeat: {pin, period_ms}");
            o.mapping("output settings (" + String.join(", ", OUTPUT_KEYS) + ")").allowOnly(OUTPUT_KEYS);
            out.put(e.getKey(), new Output(e.getKey(), pin(o, pins), o.get("kind").word(null, OutputKind.class),
                    o.get("active_low").bool(false)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Input> inputs(ConfigNode n, Map<Integer, String> pins, Map<String, CameraConfig> cameras) {
        Map<String, Input> out = new LinkedHashMap<>();
        for (var e : n.entries("input name to {pin, kind, debounce_ms, pull, active_low}, e.g. pir: {pin: 27, kind: wake}").entrySet()) {
            ConfigNode i = e.getValue();
            name(e.getKey(), i, "n input");
            if (e.getKey().equals("heartbeat")) throw i.fail("is the heartbeat output's name; give the input another name");
            i.mapping("input settings (" + String.join(", ", INPUT_KEYS) + ")").allowOnly(INPUT_KEYS);
            int pin = pin(i, pins);
            InputKind kind = i.get("kind").word(null, InputKind.class);
            Duration debounce = Duration.ofMillis(i.get("debounce_ms").integer(kind == InputKind.TRIGGER ? 5 : 20, 0, 10_000));
            Pull pull = i.get("pull").word(Pull.OFF, Pull.class);
            boolean activeLow = i.get("active_low").bool(false);
            ConfigNode hold = i.get("hold_s");
            if (kind != InputKind.WAKE && !hold.missing()) throw hold.fail("only a wake input has a hold time");
            Duration holdFor = kind == InputKind.WAKE ? hold.seconds(30, 0) : Duration.ZERO;
            ConfigNode cams = i.get("cameras");
            if (kind == InputKind.TRIGGER && !cams.missing()) throw cams.fail("a trigger input is bound to its camera by qc: (qc: {CAMERA: {trigger: " + e.getKey() + "}})");
            List<String> bound = new ArrayList<>();
            for (ConfigNode c : cams.list("camera names, e.g. [door]")) {
                String cam = c.requiredText("a camera name").strip();
                if (!cameras.containsKey(cam)) throw c.fail(c.show() + " is not a camera of this config (" + String.join(", ", cameras.keySet()) + ")");
                bound.add(cam);
            }
            if (kind != InputKind.TRIGGER && bound.isEmpty()) bound.addAll(cameras.keySet());
            out.put(e.getKey(), new Input(e.getKey(), pin, kind, debounce, pull, activeLow, holdFor, List.copyOf(bound)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Optional<GpioConfig.Heartbeat> heartbeat(ConfigNode n, Map<Integer, String> pins) {
        if (n.missing()) return Optional.empty();
        n.mapping("heartbeat settings (" + String.join(", ", HEARTBEAT_KEYS) + ")").allowOnly(HEARTBEAT_KEYS);
        int pin = pin(n, pins);
        int period = n.get("period_ms").integer(500, 10, 60_000);
        int stale = n.get("stale_ms").integer(period, 1, 600_000);
        return Optional.of(new GpioConfig.Heartbeat(pin, Duration.ofMillis(period), Duration.ofMillis(stale), n.get("active_low").bool(false)));
    }

    private static List<Action> actions(ConfigNode n, Map<String, Output> outputs, Map<String, CameraConfig> cameras) {
        List<Action> out = new ArrayList<>();
        List<String> states = Arrays.stream(AlarmState.values()).map(AlarmState::word).toList();
        for (ConfigNode a : n.list("actions, e.g. [{group: person, output: relay, pulse_ms: 2000}]")) {
            a.mapping("action settings (" + String.join(", ", ACTION_KEYS) + ")").allowOnly(ACTION_KEYS);
            boolean hasGroup = a.has("group"), hasState = a.has("state");
            if (hasGroup == hasState) throw a.fail("give either group: (a rule group fires) or state: (" + String.join(", ", states) + "), not " + (hasGroup ? "both" : "neither"));
            Optional<String> group = hasGroup ? Optional.of(CameraReader.groupOfAnyCamera(a.get("group"), cameras)) : Optional.empty();
            Optional<AlarmState> state = hasState ? Optional.of(AlarmState.valueOf(a.get("state").oneOf(null, states).toUpperCase(Locale.ROOT))) : Optional.empty();
            ConfigNode cam = a.get("camera");
            Optional<String> camera = Optional.empty();
            if (!cam.missing()) {
                String c = cam.requiredText("a camera name").strip();
                if (!cameras.containsKey(c)) throw cam.fail(cam.show() + " is not a camera of this config (" + String.join(", ", cameras.keySet()) + ")");
                if (group.isPresent() && !cameras.get(c).rules().groups().containsKey(group.get())) throw a.get("group").fail("camera " + c + " has no group " + group.get());
                camera = Optional.of(c);
            }
            String output = outputName(a.get("output"), outputs);
            int effects = (a.has("pulse_ms") ? 1 : 0) + (a.has("latch") ? 1 : 0) + (a.has("pattern") ? 1 : 0);
            if (effects != 1) throw a.fail("give exactly one of pulse_ms: N, latch: true, pattern: {on_ms, off_ms, repeats}");
            Effect effect;
            if (a.has("pulse_ms")) {
                effect = new Effect.Pulse(Duration.ofMillis(a.get("pulse_ms").integer(0, 1, 3_600_000)));
            } else if (a.has("latch")) {
                if (!a.get("latch").bool(true)) throw a.get("latch").fail("false does nothing; write latch: true or remove the action");
                effect = new Effect.Latch();
            } else {
                ConfigNode p = a.get("pattern").mapping("pattern settings (on_ms, off_ms, repeats)").allowOnly(PATTERN_KEYS);
                int on = p.get("on_ms").integer(100, 1, 60_000);
                effect = new Effect.Pattern(Duration.ofMillis(on), Duration.ofMillis(p.get("off_ms").integer(on, 1, 60_000)),
                        p.get("repeats").integer(3, 1, 1000));
            }
            out.add(new Action(a.path(), camera, group, state, output, effect));
        }
        return List.copyOf(out);
    }

    static String outputName(ConfigNode o, Map<String, Output> outputs) {
        String name = o.requiredText("the name of an output under gpio.outputs").strip();
        if (!outputs.containsKey(name)) {
            throw o.fail(o.show() + " is not an output under gpio.outputs" + (outputs.isEmpty() ? " (there are none)" : " (" + String.join(", ", outputs.keySet()) + ")"));
        }
        return name;
    }
}
