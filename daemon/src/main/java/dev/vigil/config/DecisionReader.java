package dev.vigil.config;

import dev.vigil.config.GpioConfig.Input;
import dev.vigil.config.GpioConfig.InputKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the decisions taken right after the rules: the top-level {@code alarm:} and {@code qc:} sections. Both once
 * lived under {@code gpio:}; that place still works, with one warning each, and both places at once is an error.
 */
final class DecisionReader {

    private static final List<String> ALARM_KEYS = List.of("groups", "triggered_s", "cooldown_s");
    private static final List<String> QC_KEYS = List.of("trigger", "reject", "delay_ms", "pulse_ms", "ok_labels", "ng_labels",
            "min_score", "ok_min_score", "ng_min_score", "max_wait_ms", "reject_uncertain", "audit", "snapshots");

    private DecisionReader() {}

    /**
     * The node of the top-level section {@code key}, or its deprecated place {@code gpio.KEY} (adding a warning to
     * {@code warnings}); an error when both are given.
     */
    static ConfigNode section(ConfigNode root, String key, List<String> warnings) {
        ConfigNode now = root.get(key), old = root.get("gpio").get(key);
        if (old.missing()) return now;
        if (!now.missing()) {
            throw old.fail("both " + key + " and " + old.path() + " given; keep the top-level " + key + ": only ("
                    + old.path() + " is deprecated)");
        }
        warnings.add(old.path() + " is deprecated: move it to the top-level " + key + ":");
        return old.writtenAt(now);
    }

    static AlarmConfig alarm(ConfigNode n, Map<String, CameraConfig> cameras) {
        if (!n.missing()) n.mapping("alarm settings (" + String.join(", ", ALARM_KEYS) + ")").allowOnly(ALARM_KEYS);
        Set<String> groups = new LinkedHashSet<>();
        for (ConfigNode g : n.get("groups").list("rule group names, e.g. [person]")) groups.add(CameraReader.groupOfAnyCamera(g, cameras));
        AlarmConfig d = AlarmConfig.DEFAULT;
        Duration triggered = n.get("triggered_s").seconds(d.triggeredFor().toNanos() / 1e9);
        Duration cooldown = n.get("cooldown_s").seconds(d.cooldown().toNanos() / 1e9);
        return n.make(() -> new AlarmConfig(Collections.unmodifiableSet(groups), triggered, cooldown));
    }

    /**
     * The QC stations; their trigger and reject name an input and an output of {@code gpio}, and every trigger input
     * of {@code gpio} must serve a station ({@code gpioNode} places that error).
     */
    static Map<String, QcConfig> qc(ConfigNode n, GpioConfig gpio, ConfigNode gpioNode, Map<String, CameraConfig> cameras, Path eventsDir) {
        Map<String, QcConfig> out = new LinkedHashMap<>();
        Set<String> triggers = new LinkedHashSet<>();
        for (var e : n.entries("camera name to {trigger, reject, delay_ms, pulse_ms, ok_labels, ng_labels}").entrySet()) {
            ConfigNode q = e.getValue();
            String camera = e.getKey();
            if (!cameras.containsKey(camera)) throw q.fail("is not a camera of this config (" + String.join(", ", cameras.keySet()) + ")");
            q.mapping("qc settings (" + String.join(", ", QC_KEYS) + ")").allowOnly(QC_KEYS);
            ConfigNode t = q.get("trigger");
            String trigger = t.requiredText("the name of a trigger input under gpio.inputs").strip();
            Input in = gpio.inputs().get(trigger);
            if (in == null || in.kind() != InputKind.TRIGGER) throw t.fail(t.show() + " is not an input of kind trigger under gpio.inputs");
            if (!triggers.add(trigger)) throw t.fail(t.show() + " already triggers another qc station; give each camera its own light barrier");
            ConfigNode r = q.get("reject");
            String reject = r.requiredText("the name of an output under gpio.outputs").strip();
            String notAnOutput = GpioConfig.notAnOutput(gpio.outputs(), reject);
            if (notAnOutput != null) throw r.fail(notAnOutput);
            Duration delay = q.get("delay_ms").millis(0);
            Duration pulse = q.get("pulse_ms").millis(200);
            Set<String> ok = labels(q.get("ok_labels")), ng = labels(q.get("ng_labels"));
            float min = q.get("min_score").score(0.5);
            float okMin = q.get("ok_min_score").floating(min), ngMin = q.get("ng_min_score").floating(min);
            Duration maxWait = q.get("max_wait_ms").millis(1000);
            boolean rejectUncertain = q.get("reject_uncertain").bool(false);
            Path audit = q.get("audit").path(eventsDir.resolve("qc-" + camera + ".jsonl"));
            QcConfig.Snapshots snapshots = q.get("snapshots").word(QcConfig.Snapshots.NG, QcConfig.Snapshots.class);
            out.put(camera, q.make(() -> new QcConfig(camera, trigger, reject, delay, pulse, ok, ng, okMin, ngMin, maxWait,
                    rejectUncertain, audit, snapshots)));
        }
        for (Input t : gpio.inputs(InputKind.TRIGGER)) {
            if (!triggers.contains(t.name())) {
                throw gpioNode.get("inputs").get(t.name()).fail("a trigger input that no qc station uses; add qc: {CAMERA: {trigger: "
                        + t.name() + ", reject: OUTPUT}} or remove it");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Set<String> labels(ConfigNode n) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigNode l : n.list("labels of the model, e.g. [hotdog]")) out.add(l.requiredText("a label of the model").strip());
        return Collections.unmodifiableSet(out);
    }
}
