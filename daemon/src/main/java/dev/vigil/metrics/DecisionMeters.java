package dev.vigil.metrics;

import dev.vigil.alarm.Alarms;
import dev.vigil.decision.DecisionListener;
import dev.vigil.qc.QcResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The decision stage: {@code vigil.alarm.state{camera,state}} (1 for the current state), {@code vigil.qc.parts}
 * (result) with {@code vigil.qc.yield}, and {@code vigil.alarm.latency}: from a frame's capture to the output change
 * it caused.
 */
public final class DecisionMeters implements MeterBinder, DecisionListener {

    /** The alarm state machine, as the {@code state} tag of {@code vigil.alarm.state}. */
    public static final List<String> ALARM_STATES = List.of("disarmed", "armed", "triggered", "cooldown");
    /** The QC results, as the {@code result} tag of {@code vigil.qc.parts}. */
    public static final List<String> QC_RESULTS = List.of("ok", "ng", "uncertain");

    private final Alarms alarms;
    private final List<String> qcCameras;
    private final Map<String, Map<String, Counter>> qc = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private MeterRegistry registry;

    public DecisionMeters(Alarms alarms, List<String> qcCameras) {
        this.alarms = alarms;
        this.qcCameras = List.copyOf(qcCameras);
    }

    @Override
    public void bindTo(MeterRegistry r) {
        registry = r;
        for (String camera : alarms.cameras()) {
            for (String s : ALARM_STATES) {
                Gauge.builder("vigil.alarm.state", () -> s.equalsIgnoreCase(alarms.state(camera).name()) ? 1 : 0)
                        .description("1 for the alarm state the camera is in").tags("camera", camera, "state", s).register(r);
            }
        }
        for (String camera : qcCameras) {
            Map<String, Counter> m = new ConcurrentHashMap<>();
            for (String res : QC_RESULTS) m.put(res, Counter.builder("vigil.qc.parts").description("Inspected parts by result")
                    .tags("camera", camera, "result", res).register(r));
            qc.put(camera, m);
            Gauge.builder("vigil.qc.yield", m, DecisionMeters::yield).strongReference(true)
                    .description("Share of inspected parts that were OK").tag("camera", camera).register(r);
        }
    }

    @Override
    public void qcVerdict(QcResult r) {
        Map<String, Counter> m = qc.get(r.camera());
        if (m != null) m.get(r.verdict().name().toLowerCase(Locale.ROOT)).increment();
    }

    /** Records the time from a frame's capture to the output change it caused (the GPIO adapter's samples). */
    public void alarmLatency(String camera, long nanos) {
        Timer t = latency.get(camera);
        if (t == null) t = latency.computeIfAbsent(camera, c -> Metrics.timer(registry, "vigil.alarm.latency",
                "From the frame's capture to the output change", Tags.of("camera", c)));
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    private static double yield(Map<String, Counter> m) {
        double ok = m.get("ok").count(), all = ok + m.get("ng").count() + m.get("uncertain").count();
        return all == 0 ? Double.NaN : ok / all;
    }
}
