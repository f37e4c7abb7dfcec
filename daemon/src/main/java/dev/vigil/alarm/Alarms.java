package dev.vigil.alarm;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alarm state machine of every camera (see {@link AlarmState}). Thread-safe: rule triggers arrive on the inference
 * thread, arm switches on input threads, timeouts on {@code timer}. Every transition is logged with its cause, kept in a
 * short history ({@link #recent}) and passed to the listeners (the GPIO actions, metrics).
 */
public final class Alarms {

    private static final Logger log = LoggerFactory.getLogger(Alarms.class);
    private static final int HISTORY = 256;

    private final Map<String, Machine> machines = new LinkedHashMap<>();
    /** Replaced whole by a config reload; each use reads it once, so a trigger or timeout never mixes two configs. */
    private volatile Settings settings;
    private final ScheduledExecutorService timer;
    private final TimeSource time;
    private final List<AlarmListener> listeners = new CopyOnWriteArrayList<>();
    private final Deque<AlarmTransition> history = new ArrayDeque<>(); // guarded by itself

    private record Settings(Set<String> groups, Duration triggeredFor, Duration cooldown) {}

    /** One camera's machine; all fields guarded by itself. */
    private static final class Machine {
        final String camera;
        AlarmState state;
        Instant since;
        String cause;
        long generation, transitions, triggers, suppressed;

        Machine(String camera) { this.camera = camera; }
    }

    /**
     * @param armed        each camera's first state: armed (true) or disarmed
     * @param alarmGroups  rule groups that raise the alarm; empty: every group
     * @param triggeredFor TRIGGERED lasts this long after the last trigger
     * @param cooldown     then COOLDOWN this long, then ARMED
     * @param timer        runs the timeouts
     * @param time         stamps the transitions (wall clock and nanos)
     */
    public Alarms(Map<String, Boolean> armed, Set<String> alarmGroups, Duration triggeredFor, Duration cooldown,
                  ScheduledExecutorService timer, TimeSource time) {
        this.settings = new Settings(Set.copyOf(alarmGroups), triggeredFor, cooldown);
        this.timer = timer;
        this.time = time;
        for (var e : armed.entrySet()) machines.put(e.getKey(), new Machine(e.getKey()));
        for (var e : armed.entrySet()) {
            Machine m = machines.get(e.getKey());
            synchronized (m) {
                move(m, e.getValue() ? AlarmState.ARMED : AlarmState.DISARMED, e.getValue() ? "start" : "start, arm input inactive");
            }
        }
    }

    public void addListener(AlarmListener l) { listeners.add(l); }

    /**
     * New groups and timing (a config reload): every camera keeps its state; the next trigger and the next timer use
     * the new values, a timer already running ends at the time it was set with.
     */
    public void reconfigure(Set<String> alarmGroups, Duration triggeredFor, Duration cooldown) {
        settings = new Settings(Set.copyOf(alarmGroups), triggeredFor, cooldown);
    }

    public Collection<String> cameras() { return machines.keySet(); }

    public AlarmState state(String camera) {
        Machine m = machine(camera);
        synchronized (m) {
            return m.state;
        }
    }

    /** The arm switch went on: DISARMED -> ARMED (any other state stays). */
    public void arm(String camera, String cause) {
        Machine m = machine(camera);
        synchronized (m) {
            if (m.state == AlarmState.DISARMED) move(m, AlarmState.ARMED, cause);
        }
    }

    /** The arm switch went off: any state -> DISARMED (latched outputs are released by the listener). */
    public void disarm(String camera, String cause) {
        Machine m = machine(camera);
        synchronized (m) {
            if (m.state != AlarmState.DISARMED) move(m, AlarmState.DISARMED, cause);
        }
    }

    /**
     * A rule group fired on a camera.
     *
     * @return true when the group's actions may run (ARMED or TRIGGERED); false when disarmed or in cooldown
     */
    public boolean trigger(String camera, String group, String cause) {
        Machine m = machines.get(camera);
        if (m == null) return false;
        synchronized (m) {
            switch (m.state) {
                case DISARMED, COOLDOWN -> {
                    m.suppressed++;
                    log.debug("alarm {}: {} held back by alarm state {} ({})", camera, cause, m.state, m.cause);
                    return false;
                }
                case ARMED, TRIGGERED -> {
                    Set<String> alarmGroups = settings.groups();
                    if (alarmGroups.isEmpty() || alarmGroups.contains(group)) {
                        m.triggers++;
                        if (m.state == AlarmState.ARMED) move(m, AlarmState.TRIGGERED, cause);
                        else m.generation++; // a new trigger keeps the alarm up: restart its quiet timer
                        scheduleQuiet(m);
                    }
                    return true;
                }
            }
            return false;
        }
    }

    private void scheduleQuiet(Machine m) {
        Settings s = settings;
        Duration triggeredFor = s.triggeredFor(), cooldown = s.cooldown();
        long gen = m.generation;
        timer.schedule(() -> {
            synchronized (m) {
                if (m.generation != gen || m.state != AlarmState.TRIGGERED) return;
                move(m, AlarmState.COOLDOWN, "quiet for " + seconds(triggeredFor));
                long gen2 = m.generation;
                timer.schedule(() -> {
                    synchronized (m) {
                        if (m.generation == gen2 && m.state == AlarmState.COOLDOWN) move(m, AlarmState.ARMED, "cooldown " + seconds(cooldown) + " over");
                    }
                }, cooldown.toNanos(), TimeUnit.NANOSECONDS);
            }
        }, triggeredFor.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void move(Machine m, AlarmState to, String cause) {
        AlarmState from = m.state;
        m.state = to;
        m.since = time.clock().instant();
        m.cause = cause;
        m.generation++;
        m.transitions++;
        AlarmTransition t = new AlarmTransition(m.camera, from, to, cause, m.since, time.nanoTime());
        log.info("{}", t);
        synchronized (history) {
            if (history.size() == HISTORY) history.removeFirst();
            history.addLast(t);
        }
        for (AlarmListener l : listeners) {
            try {
                l.transition(t);
            } catch (RuntimeException e) {
                log.warn("alarm listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Every camera's alarm now. */
    public List<AlarmStatus> status() {
        List<AlarmStatus> out = new ArrayList<>();
        for (Machine m : machines.values()) {
            synchronized (m) {
                out.add(new AlarmStatus(m.camera, m.state, m.since, m.cause, m.transitions, m.triggers, m.suppressed));
            }
        }
        return out;
    }

    /** The most recent transitions (at most 256), oldest first. */
    public List<AlarmTransition> recent() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private Machine machine(String camera) {
        Machine m = machines.get(camera);
        if (m == null) throw new IllegalArgumentException("no camera " + camera + " (cameras: " + machines.keySet() + ")");
        return m;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
