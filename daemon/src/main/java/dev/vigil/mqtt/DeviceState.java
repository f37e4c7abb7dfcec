package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alarm.AlarmStatus;
import dev.vigil.config.CameraConfig;
import dev.vigil.events.Event;
import dev.vigil.health.Health;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The retained state of the device and its cameras: the first state sent before {@code online}, the cameras' up/down
 * from the health model (polled each second, sent on change), the status every {@code status_interval_s} with the
 * visits of the day. On the MQTT worker.
 */
final class DeviceState {

    private final MqttBridge b;
    private final Map<String, String> cameraStates = new LinkedHashMap<>();
    private final Map<String, Integer> visitsToday = new LinkedHashMap<>();
    private LocalDate day;

    DeviceState(MqttBridge b) {
        this.b = b;
    }

    /** A visit started (a new event): counted for the day of its event, local time. */
    void visitStarted(Event e) {
        LocalDate d = LocalDate.ofInstant(e.time(), ZoneId.systemDefault());
        if (!d.equals(day)) visitsToday.clear();
        day = d;
        visitsToday.merge(e.camera(), 1, Integer::sum);
    }

    /** The state before {@code online}: alarms, groups OFF, armed and detection switches, QC counters, cameras. */
    void initial() {
        for (AlarmStatus a : b.parts.decisions().alarms().status()) b.state(b.topics.alarm(a.camera()), Payloads.text(a.state().name()));
        for (CameraConfig c : b.vigil.enabledCameras()) {
            for (String g : c.rules().groups().keySet()) {
                if (b.openVisit(c.name(), g) == null) b.state(b.topics.group(c.name(), g), Payloads.group(false, 0, b.time.clock().instant()));
            }
            b.state(b.topics.armed(c.name()), Payloads.text(b.parts.decisions().alarmState(c.name()) == dev.vigil.alarm.AlarmState.DISARMED ? "OFF" : "ON"));
            b.state(b.topics.detect(c.name()), Payloads.text(b.parts.decisions().detecting(c.name()) ? "ON" : "OFF"));
        }
        for (var q : b.parts.decisions().qc().entrySet()) b.state(b.topics.qcCounts(q.getKey()), Payloads.qcCounts(q.getValue().counts()));
        cameras();
    }

    void cameras() {
        for (Health.CameraView c : b.parts.health().cameras()) {
            boolean up = c.health() == Health.CameraHealth.FLOWING || c.health() == Health.CameraHealth.STARTING
                    || c.health() == Health.CameraHealth.ENDED;
            String h = c.health().name().toLowerCase(java.util.Locale.ROOT);
            String key = up + h + c.reason();
            if (key.equals(cameraStates.put(c.camera(), key))) continue;
            b.state(b.topics.cameraState(c.camera()), Payloads.cameraState(up, h, c.reason()));
        }
        // Detection switched over HTTP (no transition to listen to, unlike the alarm): its switch follows within a second.
        for (CameraConfig c : b.vigil.enabledCameras()) {
            String on = b.parts.decisions().detecting(c.name()) ? "ON" : "OFF";
            byte[] was = b.retained(b.topics.detect(c.name()));
            if (was == null || !on.equals(new String(was, java.nio.charset.StandardCharsets.UTF_8))) b.state(b.topics.detect(c.name()), Payloads.text(on));
        }
    }

    void status() {
        JsonNode full = b.parts.status() == null ? null : b.parts.status().get();
        if (full == null) return;
        LocalDate today = LocalDate.now(b.time.clock().withZone(ZoneId.systemDefault()));
        if (!today.equals(day)) visitsToday.clear();
        day = today;
        b.state(b.topics.status(), Payloads.status(full, visitsToday));
    }
}
