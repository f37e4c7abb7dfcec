package dev.vigil.config;

import dev.vigil.alarm.AlarmState;
import dev.vigil.config.GpioConfig.Action;
import dev.vigil.config.GpioConfig.Effect;
import dev.vigil.config.GpioConfig.Input;
import dev.vigil.config.GpioConfig.InputKind;
import dev.vigil.config.GpioConfig.Output;
import dev.vigil.config.GpioConfig.OutputKind;
import dev.vigil.config.GpioConfig.Pull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code gpio:} section into a {@link GpioConfig}. The records check their own values; what this reader
 * checks is the shape of the YAML and the names that point outside the section (cameras and their rule groups).
 */
final class GpioReader {

    static final List<String> KEYS = List.of("mock", "chip", "outputs", "inputs", "heartbeat", "actions");
    /** Read by {@link DecisionReader} from here with a deprecation warning; their place is the top level now. */
    static final List<String> MOVED_KEYS = List.of("alarm", "qc");
    private static final List<String> OUTPUT_KEYS = List.of("pin", "kind", "active_low");
    private static final List<String> INPUT_KEYS = List.of("pin", "kind", "debounce_ms", "pull", "active_low", "hold_s", "cameras");
    private static final List<String> HEARTBEAT_KEYS = List.of("pin", "period_ms", "stale_ms", "active_low");
    private static final List<String> ACTION_KEYS = List.of("group", "state", "camera", "output", "pulse_ms", "latch", "pattern");
    private static final List<String> PATTERN_KEYS = List.of("on_ms", "off_ms", "repeats");

    private GpioReader() {}

    static GpioConfig read(ConfigNode n, Map<String, CameraConfig> cameras) {
        if (n.missing()) return GpioConfig.NONE;
        n.mapping("GPIO settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS, MOVED_KEYS);
        boolean mock = n.get("mock").bool(false);
        String chip = n.get("chip").text(GpioConfig.AUTO_CHIP).strip();
        Map<String, Output> outputs = outputs(n.get("outputs"));
        Map<String, Input> inputs = inputs(n.get("inputs"), cameras);
        Optional<GpioConfig.Heartbeat> heartbeat = heartbeat(n.get("heartbeat"));
        List<Action> actions = actions(n.get("actions"), cameras);
        return n.make(() -> new GpioConfig(true, mock, chip, outputs, inputs, heartbeat, actions));
    }

    private static int pin(ConfigNode n) {
        ConfigNode p = n.get("pin");
        if (p.missing()) throw p.fail("missing; give the BCM GPIO number, e.g. pin: 17 (header pin 11)");
        return p.integer(0);
    }

    private static Map<String, Output> outputs(ConfigNode n) {
        Map<String, Output> out = new LinkedHashMap<>();
        for (var e : n.entries("output name to {pin, kind, active_low}, e.g. relay: {pin: 17, kind: relay}").entrySet()) {
            ConfigNode o = e.getValue().mapping("output settings (" + String.join(", ", OUTPUT_KEYS) + ")").allowOnly(OUTPUT_KEYS);
            int pin = pin(o);
            OutputKind kind = o.get("kind").word(null, OutputKind.class);
            boolean activeLow = o.get("active_low").bool(false);
            out.put(e.getKey(), o.make(() -> new Output(e.getKey(), pin, kind, activeLow)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Input> inputs(ConfigNode n, Map<String, CameraConfig> cameras) {
        Map<String, Input> out = new LinkedHashMap<>();
        for (var e : n.entries("input name to {pin, kind, debounce_ms, pull, active_low}, e.g. pir: {pin: 27, kind: wake}").entrySet()) {
            ConfigNode i = e.getValue().mapping("input settings (" + String.join(", ", INPUT_KEYS) + ")").allowOnly(INPUT_KEYS);
            int pin = pin(i);
            InputKind kind = i.get("kind").word(null, InputKind.class);
            Duration debounce = i.get("debounce_ms").millis(kind == InputKind.TRIGGER ? 5 : 20);
            Pull pull = i.get("pull").word(Pull.OFF, Pull.class);
            boolean activeLow = i.get("active_low").bool(false);
            // Only a wake input has a hold time: read (and printed) for others only when given, for the record to refuse.
            Duration hold = kind == InputKind.WAKE || i.has("hold_s") ? i.get("hold_s").seconds(kind == InputKind.WAKE ? 30 : 0) : Duration.ZERO;
            List<String> bound = new ArrayList<>();
            for (ConfigNode c : i.get("cameras").list("camera names, e.g. [door]")) bound.add(camera(c, cameras));
            if (kind != InputKind.TRIGGER && bound.isEmpty()) {
                bound.addAll(cameras.keySet());
                i.get("cameras").keep(bound);
            }
            out.put(e.getKey(), i.make(() -> new Input(e.getKey(), pin, kind, debounce, pull, activeLow, hold, bound)));
        }
        return Collections.unmodifiableMap(out);
    }

    private static String camera(ConfigNode c, Map<String, CameraConfig> cameras) {
        String cam = c.requiredText("a camera name").strip();
        if (!cameras.containsKey(cam)) throw c.fail(c.show() + " is not a camera of this config (" + String.join(", ", cameras.keySet()) + ")");
        return cam;
    }

    private static Optional<GpioConfig.Heartbeat> heartbeat(ConfigNode n) {
        if (n.missing()) return Optional.empty();
        n.mapping("heartbeat settings (" + String.join(", ", HEARTBEAT_KEYS) + ")").allowOnly(HEARTBEAT_KEYS);
        int pin = pin(n);
        Duration period = n.get("period_ms").millis(500);
        Duration stale = n.get("stale_ms").millis(period.toMillis());
        boolean activeLow = n.get("active_low").bool(false);
        return Optional.of(n.make(() -> new GpioConfig.Heartbeat(pin, period, stale, activeLow)));
    }

    private static List<Action> actions(ConfigNode n, Map<String, CameraConfig> cameras) {
        List<Action> out = new ArrayList<>();
        List<String> states = Arrays.stream(AlarmState.values()).map(AlarmState::word).toList();
        for (ConfigNode a : n.list("actions, e.g. [{group: person, output: relay, pulse_ms: 2000}]")) {
            a.mapping("action settings (" + String.join(", ", ACTION_KEYS) + ")").allowOnly(ACTION_KEYS);
            Optional<String> group = a.has("group") ? Optional.of(CameraReader.groupOfAnyCamera(a.get("group"), cameras)) : Optional.empty();
            Optional<AlarmState> state = a.has("state")
                    ? Optional.of(AlarmState.valueOf(a.get("state").oneOf(null, states).toUpperCase(Locale.ROOT))) : Optional.empty();
            ConfigNode cam = a.get("camera");
            Optional<String> camera = cam.missing() ? Optional.empty() : Optional.of(camera(cam, cameras));
            if (camera.isPresent() && group.isPresent() && !cameras.get(camera.get()).rules().groups().containsKey(group.get())) {
                throw a.get("group").fail("camera " + camera.get() + " has no group " + group.get());
            }
            String output = a.get("output").requiredText("the name of an output under gpio.outputs").strip();
            Effect effect = a.make(() -> effect(a));
            out.add(a.make(() -> new Action(a.path(), camera, group, state, output, effect)));
        }
        return List.copyOf(out);
    }

    /** The one effect the action gives; null when it gives none or several (the action says so). */
    private static Effect effect(ConfigNode a) {
        int effects = (a.has("pulse_ms") ? 1 : 0) + (a.has("latch") ? 1 : 0) + (a.has("pattern") ? 1 : 0);
        if (effects != 1) return null;
        if (a.has("pulse_ms")) return new Effect.Pulse(a.get("pulse_ms").millis(0));
        if (a.has("latch")) {
            if (!a.get("latch").bool(true)) throw a.get("latch").fail("false does nothing; write latch: true or remove the action");
            return new Effect.Latch();
        }
        ConfigNode p = a.get("pattern").mapping("pattern settings (on_ms, off_ms, repeats)").allowOnly(PATTERN_KEYS);
        Duration on = p.get("on_ms").millis(100);
        return new Effect.Pattern(on, p.get("off_ms").millis(on.toMillis()), p.get("repeats").integer(3));
    }
}
