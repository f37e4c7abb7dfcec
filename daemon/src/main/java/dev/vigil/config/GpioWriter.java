package dev.vigil.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/** Writes a {@link GpioConfig} back in the file's own shape (for {@link ConfigLoader#toYaml}); it reads back the same. */
final class GpioWriter {

    private GpioWriter() {}

    static void write(ObjectNode n, GpioConfig g) {
        n.put("mock", g.mock());
        n.put("chip", g.chip());
        ObjectNode outs = n.putObject("outputs");
        for (GpioConfig.Output o : g.outputs().values()) {
            outs.putObject(o.name()).put("pin", o.pin()).put("kind", word(o.kind())).put("active_low", o.activeLow());
        }
        ObjectNode ins = n.putObject("inputs");
        for (GpioConfig.Input i : g.inputs().values()) {
            ObjectNode in = ins.putObject(i.name()).put("pin", i.pin()).put("kind", word(i.kind()))
                    .put("debounce_ms", i.debounce().toMillis()).put("pull", word(i.pull())).put("active_low", i.activeLow());
            if (i.kind() == GpioConfig.InputKind.WAKE) in.put("hold_s", seconds(i.hold()));
            if (i.kind() != GpioConfig.InputKind.TRIGGER) {
                ArrayNode cams = in.putArray("cameras");
                i.cameras().forEach(cams::add);
            }
        }
        g.heartbeat().ifPresent(h -> n.putObject("heartbeat").put("pin", h.pin()).put("period_ms", h.period().toMillis())
                .put("stale_ms", h.stale().toMillis()).put("active_low", h.activeLow()));
        ArrayNode actions = n.putArray("actions");
        for (GpioConfig.Action a : g.actions()) {
            ObjectNode an = actions.addObject();
            a.group().ifPresent(v -> an.put("group", v));
            a.state().ifPresent(v -> an.put("state", v.word()));
            a.camera().ifPresent(v -> an.put("camera", v));
            an.put("output", a.output());
            switch (a.effect()) {
                case GpioConfig.Effect.Pulse p -> an.put("pulse_ms", p.length().toMillis());
                case GpioConfig.Effect.Latch l -> an.put("latch", true);
                case GpioConfig.Effect.Pattern p -> an.putObject("pattern").put("on_ms", p.on().toMillis())
                        .put("off_ms", p.off().toMillis()).put("repeats", p.repeats());
            }
        }
    }

    private static String word(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }

    private static double seconds(Duration d) { return d.toNanos() / 1e9; }
}
