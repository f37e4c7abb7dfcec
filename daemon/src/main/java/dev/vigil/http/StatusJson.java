package dev.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alarm.AlarmStatus;
import dev.vigil.capture.CameraStats;
import dev.vigil.config.Secrets;
import dev.vigil.daemon.Vigil;
import dev.vigil.events.EventStore;
import dev.vigil.health.Health;
import dev.vigil.metrics.FrameMeters;
import dev.vigil.pipeline.ModelId;
import dev.vigil.power.PowerMonitor;
import dev.vigil.power.PowerReading;
import dev.vigil.power.Rail;
import dev.vigil.swap.ModelSwap;
import dev.vigil.swap.Shadow;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /api/status}: every figure read from the one place that owns it: counters and timers from the metrics'
 * meters, camera and readiness from the health model, alarm states from the decision stage.
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    public static ObjectNode of(Vigil v) {
        ObjectNode o = JSON.createObjectNode();
        String version = StatusServer.class.getPackage().getImplementationVersion();
        o.put("version", version == null ? "dev" : version);
        o.put("uptime_s", Math.round(v.metrics().uptime().toMillis() / 100.0) / 10.0);
        Health h = v.health();
        String why = h.problem();
        o.put("ready", why == null);
        if (why != null) o.put("not_ready", why);
        String stuck = h.stuck();
        o.put("stuck", stuck != null);
        if (stuck != null) o.put("stuck_reason", stuck);
        models(o, v);
        dev.vigil.daemon.Reload.Status cs = v.configStatus();
        if (cs != null) { // null only while the wiring is still building
            ObjectNode co = o.putObject("config");
            if (cs.path().isPresent()) co.put("path", cs.path().get().toString());
            else co.putNull("path");
            co.put("sha256", cs.sha256());
            co.put("loaded_at", cs.loadedAt().toString());
            co.put("reloads", cs.reloads());
            cs.restartNeeded().forEach(co.putArray("restart_needed")::add);
        }
        ArrayNode cams = o.putArray("cameras");
        long now = h.now();
        FrameMeters f = v.frames();
        for (CameraStats c : v.cameraStats()) {
            String name = c.camera();
            Health.CameraView hv = h.camera(name);
            ObjectNode co = cams.addObject();
            co.put("name", name);
            co.put("state", c.state().toString());
            co.put("health", hv.health().name().toLowerCase(Locale.ROOT));
            // DISARMED, ARMED, TRIGGERED or COOLDOWN, as MQTT's <prefix>/<camera>/alarm; the page's arm button reads it.
            co.put("alarm", v.decisions().alarmState(name).name());
            co.put("detecting", v.decisions().detecting(name));
            if (hv.reason() != null) co.put("reason", hv.reason());
            co.put("captured", c.captured());
            co.put("processed", f.processed(name));
            co.put("dropped", c.dropped());
            co.put("motion_skipped", f.motionSkipped(name));
            co.put("gate_skipped", f.gateSkipped(name));
            co.put("events", f.events(name));
            co.put("errors", f.errors(name));
            co.put("reconnects", c.reconnects());
            // ISO-8601 UTC: when the current outage began (the first DOWN since the camera was last UP); null while up.
            if (c.downSince() != null) co.put("down_since", c.downSince().toString());
            else co.putNull("down_since");
            co.put("fps", round(f.fps(name), 2));
            putNumber(co, "inference_ms", round(f.inferenceMeanMs(name), 2));
            putNumber(co, "frame_ms", round(f.frameMeanMs(name), 2));
            long last = hv.lastFlowNanos();
            putNumber(co, "last_frame_age_s", last == 0 ? Double.NaN : round((now - last) / 1e9, 2));
        }
        ObjectNode alarms = o.putObject("alarms");
        for (AlarmStatus a : v.decisions().alarms().status()) alarms.put(a.camera(), a.state().name().toLowerCase(Locale.ROOT));
        Optional<PowerMonitor> pm = v.metrics().power();
        if (pm.isPresent()) {
            ObjectNode po = o.putObject("power");
            po.put("source", pm.get().sensor().source());
            PowerReading r = pm.get().latest();
            putNumber(po, "watts", r == null ? Double.NaN : round(r.totalWatts(), 3));
            po.put("energy_j", round(pm.get().energyJoules(), 1));
            ArrayNode rails = po.putArray("rails");
            if (r != null) for (Rail rail : r.rails()) rails.addObject().put("name", rail.name()).put("watts", round(rail.watts(), 3));
        }
        EventStore store = v.events();
        if (store != null) {
            EventStore.Stats s = store.stats();
            o.putObject("events").put("kept", s.events()).put("recorded", s.recorded()).put("lost", s.lost()).put("bytes", s.bytes());
        }
        ObjectNode consumers = o.putObject("consumers_dropped");
        for (String c : v.bus().names()) consumers.put(c, v.bus().dropped(c));
        // A camera's reason quotes what failed to open; whatever else carries text, no config secret leaves here.
        return Secrets.redact(o);
    }

    /**
     * {@code model}: the live one (name, sha256, delegate, kind, size_bytes); {@code previous_model}: the one kept in
     * probation after a swap, with {@code probation_ends}, or null; {@code shadow_model}: the model run beside the live one (frames compared, agreement, inference ms and mean top score of both), or null;
     * {@code last_deploy}: {@code {ok, message, time}} or null; {@code model_rollbacks}.
     */
    private static void models(ObjectNode o, Vigil v) {
        ModelSwap swap = v.models();
        ModelSwap.Status s = swap == null ? null : swap.status();
        if (s == null) model(o.putObject("model"), v.model(), v.daemon().analyzer().kind().word(), -1);
        else model(o.putObject("model"), s.current().id(), s.current().kind().word(), s.current().sizeBytes());
        if (s == null || s.previous() == null) o.putNull("previous_model");
        else model(o.putObject("previous_model"), s.previous().id(), s.previous().kind().word(), s.previous().sizeBytes())
                .put("probation_ends", s.probationEnds() == null ? null : s.probationEnds().toString());
        Shadow.Report sh = s == null ? null : s.shadow();
        if (sh == null) o.putNull("shadow_model");
        else {
            ObjectNode so = o.putObject("shadow_model").put("name", sh.name()).put("sha256", sh.sha256()).put("every", sh.every())
                    .put("frames", sh.frames()).put("agreed", sh.agreed());
            putNumber(so, "agreement", sh.frames() == 0 ? Double.NaN : round((double) sh.agreed() / sh.frames(), 3));
            putNumber(so, "live_inference_ms", round(sh.liveMs(), 2));
            putNumber(so, "shadow_inference_ms", round(sh.shadowMs(), 2));
            putNumber(so, "live_top_score_mean", round(sh.liveTopScore(), 3));
            putNumber(so, "shadow_top_score_mean", round(sh.shadowTopScore(), 3));
        }
        if (s == null || s.lastDeploy() == null) o.putNull("last_deploy");
        else o.putObject("last_deploy").put("ok", s.lastDeploy().switched()).put("message", s.lastDeploy().message())
                .put("time", s.lastDeployTime().toString());
        o.put("model_rollbacks", s == null ? 0 : s.rollbacks());
    }

    private static ObjectNode model(ObjectNode mo, ModelId m, String kind, long size) {
        mo.put("name", m.name());
        mo.put("sha256", m.sha256());
        mo.put("delegate", m.delegate());
        mo.put("kind", kind);
        mo.put("size_bytes", size);
        return mo;
    }

    static double round(double v, int places) {
        if (!Double.isFinite(v)) return v;
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v);
        else o.putNull(key);
    }
}
