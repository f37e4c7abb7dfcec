package dev.vigil.decision;

import dev.vigil.alarm.AlarmState;
import dev.vigil.alarm.AlarmTransition;
import dev.vigil.alarm.Alarms;
import dev.vigil.capture.Frame;
import dev.vigil.config.AlarmConfig;
import dev.vigil.config.QcConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.FrameGate;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.qc.QcAudit;
import dev.vigil.qc.QcStation;
import dev.vigil.rules.Trigger;
import dev.vigil.time.TimeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must happen at once after the rules: each camera's alarm state machine and the QC verdicts. Runs on the
 * inference thread right after a frame's analysis ({@link #decide}), before any slow consumer sees the frame, and tells
 * the output adapters ({@link DecisionListener}) what to do. It exists with or without GPIO: the alarm state is in the
 * metrics and the status API either way.
 *
 * <pre>
 * FrameResult.triggers -> Alarms.trigger (ARMED/TRIGGERED: raise; DISARMED/COOLDOWN: suppressed) -> listeners.alarmRaised
 * Alarms transitions (arm input, timers)                                                         -> listeners.alarmChanged
 * QC trigger edge -> the camera's next frame is judged -> verdict -> reject push at edge + delay -> listeners.qcVerdict
 * </pre>
 */
public final class DecisionStage implements FrameGate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecisionStage.class);

    /** What QC needs of the hardware: a reject output to pulse and the thread that writes pins on time. */
    public interface QcHardware {
        QcStation.Rejector rejector(String output, String camera);

        /** Runs the pushes at their due time (nothing else there delays them). */
        ScheduledExecutorService pushes();
    }

    private final Alarms alarms;
    private final Map<String, QcStation> qc = new LinkedHashMap<>();
    private final List<QcAudit> audits = new ArrayList<>();
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> detectionOff = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private DecisionStage(Alarms alarms) {
        this.alarms = alarms;
    }

    /**
     * @param armedAtStart  a camera's first state from its arm inputs (empty: no arm input, armed)
     * @param qcHardware    the outputs QC pushes with; null when there is no GPIO (then the config has no QC)
     * @param timers        alarm timeouts and QC expiries
     * @param time          the clocks alarm transitions and QC parts are stamped with
     */
    public static DecisionStage create(VigilConfig cfg, Function<String, Optional<Boolean>> armedAtStart, QcHardware qcHardware,
                                       ScheduledExecutorService timers, TimeSource time) {
        AlarmConfig a = cfg.alarm();
        Map<String, Boolean> armed = new LinkedHashMap<>();
        for (String camera : cfg.cameras().keySet()) armed.put(camera, armedAtStart.apply(camera).orElse(true));
        DecisionStage d = new DecisionStage(new Alarms(armed, a.groups(), a.triggeredFor(), a.cooldown(), timers, time));
        d.alarms.addListener(d::alarmChanged);
        try {
            for (QcConfig q : cfg.qc().values()) {
                if (qcHardware == null) throw new IllegalStateException("qc." + q.camera() + ": needs the gpio: section (trigger and reject)");
                QcAudit audit = QcAudit.open(q.audit());
                d.audits.add(audit);
                QcStation s = new QcStation(q, qcHardware.rejector(q.reject(), q.camera()), qcHardware.pushes(), timers, audit, time);
                s.addListener(d::qcVerdict);
                d.qc.put(q.camera(), s);
            }
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    public void addListener(DecisionListener l) { listeners.add(l); }

    /**
     * A reloaded config's alarm and QC settings (a config reload, on the inference thread between two frames): the
     * alarm states and the parts waiting stay. The QC stations must be those of the running config, each with its audit
     * file (checked by the reload before).
     */
    public void reconfigure(VigilConfig next, QcHardware qcHardware) {
        AlarmConfig a = next.alarm();
        alarms.reconfigure(a.groups(), a.triggeredFor(), a.cooldown());
        for (QcConfig q : next.qc().values()) {
            QcStation s = qc.get(q.camera());
            if (s == null || !s.config().audit().equals(q.audit()))
                throw new IllegalArgumentException("qc." + q.camera() + ": a new station or audit file needs a restart");
            if (!s.config().equals(q)) s.reconfigure(q, qcHardware.rejector(q.reject(), q.camera()));
        }
    }

    /** The frame's decisions, on the inference thread. {@code frame} is lent: QC copies the pixels it keeps. */
    public void decide(FrameOutcome outcome, Frame frame) {
        if (!(outcome instanceof FrameResult r)) return;
        QcStation s = qc.get(r.camera());
        if (s != null) s.frameProcessed(frame, r);
        for (Trigger t : r.triggers()) {
            String cause = t.group() + " " + t.detection().label() + " " + String.format(Locale.ROOT, "%.2f", t.detection().score());
            if (!alarms.trigger(t.camera(), t.group(), cause)) continue;
            for (DecisionListener l : listeners) {
                try {
                    l.alarmRaised(t, r.captureNanos());
                } catch (RuntimeException e) {
                    log.warn("output {} failed on an alarm: {}", l.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    /** The frame gate: a QC camera runs inference only while a part waits for its frame. */
    @Override
    public String skip(String camera) {
        if (detectionOff.contains(camera)) return "detection off";
        QcStation s = qc.get(camera);
        return s == null ? null : s.skip();
    }

    /** An arm input (or, later, a remote command) armed the camera. */
    public void arm(String camera, String cause) { alarms.arm(camera, cause); }

    public void disarm(String camera, String cause) { alarms.disarm(camera, cause); }

    /**
     * Detection on or off for a camera (a remote command): while off, its frames skip inference at the gate (counted as
     * gate-skipped) and nothing fires; the camera keeps capturing, so health still tells whether it delivers.
     */
    public void detection(String camera, boolean on, String cause) {
        alarms.state(camera); // an unknown camera fails here, naming the cameras
        boolean changed = on ? detectionOff.remove(camera) : detectionOff.add(camera);
        if (changed) log.info("detection {} for camera {} ({})", on ? "on" : "off", camera, cause);
    }

    public boolean detecting(String camera) { return !detectionOff.contains(camera); }

    /** A QC trigger input's rising edge at {@code nanos}: every station it announces a part to. */
    public void qcEdge(String input, long nanos) {
        for (QcStation s : qc.values()) if (s.config().trigger().equals(input)) s.edge(nanos);
    }

    private void alarmChanged(AlarmTransition t) {
        for (DecisionListener l : listeners) {
            try {
                l.alarmChanged(t);
            } catch (RuntimeException e) {
                log.warn("output {} failed on an alarm change: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private void qcVerdict(dev.vigil.qc.QcResult r) {
        for (DecisionListener l : listeners) {
            try {
                l.qcVerdict(r);
            } catch (RuntimeException e) {
                log.warn("output {} failed on a QC verdict: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    public Alarms alarms() { return alarms; }

    public AlarmState alarmState(String camera) { return alarms.state(camera); }

    /** The QC station of each QC camera. */
    public Map<String, QcStation> qc() { return Collections.unmodifiableMap(qc); }

    /** Flushes the QC audits. */
    @Override
    public void close() {
        audits.forEach(QcAudit::close);
    }
}
