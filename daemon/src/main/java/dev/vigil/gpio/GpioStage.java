package dev.vigil.gpio;

import dev.vigil.alarm.AlarmState;
import dev.vigil.alarm.AlarmTransition;
import dev.vigil.config.ConfigException;
import dev.vigil.config.GpioConfig;
import dev.vigil.config.GpioConfig.Action;
import dev.vigil.config.GpioConfig.Effect;
import dev.vigil.config.GpioConfig.InputKind;
import dev.vigil.config.QcConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.FrameGate;
import dev.vigil.decision.DecisionListener;
import dev.vigil.decision.DecisionStage;
import dev.vigil.health.Health;
import dev.vigil.qc.QcStation;
import dev.vigil.rules.Trigger;
import dev.vigil.time.TimeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPIO adapter: decisions out to the physical world, the physical world in to the decisions. Built once from the
 * config ({@link #start}); the wiring connects it to the decision stage both ways ({@link #connect}):
 *
 * <pre>
 * decision stage: alarm raised          -> actions (pulse, latch, pattern) on outputs
 * decision stage: alarm state changed   -> state actions; DISARMED releases latched outputs
 * decision stage: QC push               -> pulse on the reject output (on the pin thread, at edge + delay)
 * health model                          -> heartbeat output (toggles only while frames flow and inference succeeds)
 * arm switch                            -> decision stage: ARMED / DISARMED
 * wake (PIR)                            -> frame gate: inference only while active + hold, else skipped as "wake"
 * trigger (light barrier)               -> decision stage: the QC station judges the camera's next frame
 * wrong (a button on the line)          -> {@link WrongListener}: the newest event of its cameras marked a false alarm
 * </pre>
 *
 * Safe state: every output is claimed off, goes off at {@link #close} (also from a JVM shutdown hook should the process
 * end without it) and after any GPIO error. Pin writes run on one thread ("vigil-gpio"), timers and logging on another.
 */
public final class GpioStage implements DecisionListener, FrameGate, DecisionStage.QcHardware, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GpioStage.class);

    /** Replaced by a config reload (new actions, same pins); each decision reads it once. */
    private volatile GpioConfig config;
    private final GpioPins pins;
    private final TimeSource time;
    private final ScheduledExecutorService gpio;   // pin writes only
    private final ScheduledExecutorService timers; // everything else that waits
    private final AlarmLatency latency = new AlarmLatency();
    private final Map<String, OutputDriver> outputs = new LinkedHashMap<>();
    private final Map<String, DebouncedInput> inputs = new LinkedHashMap<>();
    private final Heartbeat heartbeat;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
    private volatile DecisionStage decisions;
    private volatile WrongListener wrong;

    /**
     * Told when a {@code wrong} input goes active (once per press, after its debounce time), on a GPIO thread that also
     * runs the alarm timers: queue the work (marking an event keeps frames on disk).
     */
    @FunctionalInterface
    public interface WrongListener {
        void pressed(String input, List<String> cameras, long edgeNanos);
    }

    /** Opens the hardware for {@code cfg.gpio()} (the mock where there is no chip) and builds the stage. */
    public static GpioStage start(VigilConfig cfg) {
        GpioPins pins;
        try {
            pins = Pi4jPins.open(cfg.gpio());
        } catch (GpioException e) {
            throw new ConfigException(e.getMessage());
        }
        return start(cfg, pins);
    }

    /**
     * Builds the stage on given hardware (tests pass {@link Pi4jPins#mock}). A pin that cannot be claimed is a
     * {@link ConfigException} naming the key, the pin and the chip; the pins are closed then.
     */
    public static GpioStage start(VigilConfig cfg, GpioPins pins) {
        return start(cfg, pins, TimeSource.system());
    }

    /**
     * Builds the stage on given hardware and time: its timers, pulses, patterns, heartbeat and QC pushes run on
     * {@code time}'s schedulers and measure with its clock (tests pass virtual time and pins stamped by it).
     */
    public static GpioStage start(VigilConfig cfg, GpioPins pins, TimeSource time) {
        try {
            return new GpioStage(cfg, pins, time);
        } catch (GpioException e) {
            pins.close();
            throw new ConfigException(e.getMessage());
        } catch (RuntimeException e) {
            pins.close();
            throw e;
        }
    }

    private GpioStage(VigilConfig cfg, GpioPins pins, TimeSource time) {
        this.config = cfg.gpio();
        this.pins = pins;
        this.time = time;
        this.gpio = GpioThread.start(time);
        this.timers = GpioThread.timers(time);
        try {
            for (GpioConfig.Output o : config.outputs().values()) {
                outputs.put(o.name(), new OutputDriver(pins.output(o.name(), o.pin(), o.activeLow()), gpio, latency, this::gpioError, time));
            }
            heartbeat = config.heartbeat().map(h -> new Heartbeat(pins.output("heartbeat", h.pin(), h.activeLow()), h.period(), h.stale()))
                    .orElse(null);
            for (GpioConfig.Input in : config.inputs().values()) {
                GpioPins.InputPin pin = pins.input(in.name(), in.pin(), in.pull(), in.activeLow(), (int) (in.debounce().toNanos() / 1000));
                inputs.put(in.name(), new DebouncedInput(in, pin, timers, (active, nanos) -> edge(in, active, nanos)));
            }
        } catch (RuntimeException e) {
            gpio.shutdownNow();
            timers.shutdownNow();
            throw e;
        }
        shutdownHook = Thread.ofPlatform().name("vigil-gpio-safe").unstarted(this::allSafe);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        log.info("gpio: {}; outputs {}, inputs {}{}", pins.description(), describeOutputs(), describeInputs(),
                heartbeat == null ? "" : ", heartbeat BCM " + config.heartbeat().get().pin());
        if (pins.isMock()) sayWhatRestingInputsHold();
    }

    /** Connects the inputs to the decision stage, its decisions to the outputs, and the heartbeat to the health model. */
    public void connect(DecisionStage d, Health health) {
        this.decisions = d;
        d.addListener(this);
        if (heartbeat != null) heartbeat.start(health, gpio, this::gpioError);
    }

    /** Where the {@code wrong} inputs' presses go; without one a press is only logged. */
    public void onWrong(WrongListener l) { this.wrong = l; }

    /** The timer thread (alarm timeouts, QC expiries): the decision stage shares it. */
    public ScheduledExecutorService timers() { return timers; }

    /**
     * What a config reload cannot change without a restart: the chip and every pin (outputs, inputs, heartbeat). A
     * config with the same pins may change its actions live ({@link #reconfigure}).
     */
    public static boolean samePins(GpioConfig a, GpioConfig b) {
        return a.present() == b.present() && a.mock() == b.mock() && a.chip().equals(b.chip()) && a.outputs().equals(b.outputs())
                && a.inputs().equals(b.inputs()) && a.heartbeat().equals(b.heartbeat());
    }

    /** New actions on the same pins (a config reload); an output latched or pulsing now keeps going. */
    public void reconfigure(GpioConfig next) {
        if (!samePins(config, next)) throw new IllegalArgumentException("gpio: the pins changed; that needs a restart");
        config = next;
    }

    // ---- QC hardware ----

    @Override
    public QcStation.Rejector rejector(String output, String camera) {
        OutputDriver reject = outputs.get(output);
        return (pulse, captureNanos) -> reject.pulse(pulse, new OutputDriver.Cause(camera, 0));
    }

    @Override
    public ScheduledExecutorService pushes() { return gpio; }

    // ---- inputs ----

    /** The arm switches of a camera: armed when any is active; empty when it has none. */
    public Optional<Boolean> armedBySwitches(String camera) {
        boolean any = false, active = false;
        for (DebouncedInput in : inputs.values()) {
            if (in.config().kind() == InputKind.ARM && in.config().cameras().contains(camera)) {
                any = true;
                active |= in.active();
            }
        }
        return any ? Optional.of(active) : Optional.empty();
    }

    private void edge(GpioConfig.Input in, boolean active, long nanos) {
        log.info("gpio: input {} (BCM {}) {}", in.name(), in.pin(), active ? "active" : "inactive");
        DecisionStage d = decisions;
        if (d == null) return; // before the wiring finished: the first state is read from the pins then
        switch (in.kind()) {
            case ARM -> {
                for (String camera : in.cameras()) {
                    if (armedBySwitches(camera).orElse(true)) d.arm(camera, "input " + in.name() + " on");
                    else d.disarm(camera, "input " + in.name() + " off");
                }
            }
            case WAKE -> { } // read by skip()
            case TRIGGER -> {
                if (active) d.qcEdge(in.name(), nanos);
            }
            case WRONG -> {
                WrongListener w = wrong;
                if (active && w != null) w.pressed(in.name(), in.cameras(), nanos);
                else if (active) log.warn("gpio: input {} pressed, but nothing takes operator feedback (sampling: {enabled: true} does)", in.name());
            }
        }
    }

    /** The frame gate: a camera with wake inputs runs inference only while one is active or within its hold time. */
    @Override
    public String skip(String camera) {
        boolean hasWake = false;
        long now = time.nanoTime();
        for (DebouncedInput in : inputs.values()) {
            GpioConfig.Input c = in.config();
            if (c.kind() != InputKind.WAKE || !c.cameras().contains(camera)) continue;
            hasWake = true;
            if (in.active()) return null;
            long fell = in.lastFallNanos();
            if (fell != 0 && now - fell < c.hold().toNanos()) return null;
        }
        return hasWake ? "wake" : null;
    }

    // ---- decisions ----

    @Override
    public void alarmRaised(Trigger trigger, long captureNanos) {
        GpioConfig config = this.config;
        OutputDriver.Cause c = new OutputDriver.Cause(trigger.camera(), captureNanos);
        for (Action a : config.actions()) {
            if (a.group().isPresent() && a.group().get().equals(trigger.group())
                    && (a.camera().isEmpty() || a.camera().get().equals(trigger.camera()))) {
                apply(a, c);
            }
        }
    }

    @Override
    public void alarmChanged(AlarmTransition t) {
        if (t.from() == null) return; // the initial state fires nothing
        GpioConfig config = this.config;
        if (t.to() == AlarmState.DISARMED) {
            for (Action a : config.actions()) {
                if (a.effect() instanceof Effect.Latch && (a.camera().isEmpty() || a.camera().get().equals(t.camera()))) {
                    outputs.get(a.output()).release();
                }
            }
        }
        for (Action a : config.actions()) {
            if (a.state().isPresent() && a.state().get() == t.to() && (a.camera().isEmpty() || a.camera().get().equals(t.camera()))) {
                apply(a, new OutputDriver.Cause(t.camera(), 0));
            }
        }
    }

    private void apply(Action a, OutputDriver.Cause cause) {
        OutputDriver out = outputs.get(a.output());
        switch (a.effect()) {
            case Effect.Pulse p -> out.pulse(p.length(), cause);
            case Effect.Latch l -> out.latch(cause);
            case Effect.Pattern p -> out.pattern(p.on(), p.off(), p.repeats(), cause);
        }
    }

    // ---- safety ----

    /** A GPIO write or timer failed: every output off, one error line; the stage goes on. */
    private void gpioError(RuntimeException e) {
        if (closed.get()) return; // close() makes everything safe itself
        errors.incrementAndGet();
        String why = Pi4jPins.rootMessage(e);
        log.error("{}; all outputs set to their safe state", why.startsWith("gpio: ") ? why : "gpio: " + why);
        allSafe();
    }

    private void allSafe() {
        for (OutputDriver o : outputs.values()) o.pin().safe();
        if (heartbeat != null) heartbeat.safe();
    }

    /** Releases every latch and sets every output off (what {@code vigil gpio reset} forces on the pins). */
    public void reset() {
        for (OutputDriver o : outputs.values()) o.release();
        log.info("gpio: reset: every output off");
    }

    /** Stops timers, sets every output to its safe state and releases the pins; QC audits are flushed. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        timers.shutdownNow();
        gpio.shutdownNow();
        try {
            timers.awaitTermination(2, TimeUnit.SECONDS);
            gpio.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allSafe();
        pins.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) allSafe itself
        }
        log.info("gpio: outputs safe, pins released");
    }

    // ---- status for metrics and tests ----

    public GpioPins pins() { return pins; }

    public AlarmLatency latency() { return latency; }

    /** One output by name (its effects and its pin). */
    public OutputDriver output(String name) { return outputs.get(name); }

    public long heartbeatToggles() { return heartbeat == null ? 0 : heartbeat.toggles(); }

    /** GPIO errors since start (each set every output safe). */
    public long errors() { return errors.get(); }

    /** The state of every claimed pin: {@code relay BCM 24 on}. */
    public GpioStatus status() {
        List<GpioStatus.Pin> out = new ArrayList<>();
        for (GpioConfig.Output o : config.outputs().values()) {
            out.add(new GpioStatus.Pin(o.name(), o.pin(), o.kind().name().toLowerCase(Locale.ROOT), outputs.get(o.name()).pin().active(),
                    pins.level(o.name())));
        }
        config.heartbeat().ifPresent(h -> out.add(new GpioStatus.Pin("heartbeat", h.pin(), "heartbeat", heartbeat.beating(), pins.level("heartbeat"))));
        for (DebouncedInput in : inputs.values()) {
            GpioConfig.Input c = in.config();
            out.add(new GpioStatus.Pin(c.name(), c.pin(), c.kind().name().toLowerCase(Locale.ROOT), in.active(), pins.level(c.name())));
        }
        DecisionStage d = decisions;
        return new GpioStatus(pins.description(), pins.isMock(), out, d == null ? List.of() : d.alarms().status(), heartbeatToggles(), errors.get());
    }

    /**
     * On the mock nothing moves an input: an arm switch at rest keeps its cameras disarmed and a PIR at rest keeps
     * inference off. Said once at start, with the way out, so a config tried on a PC does not do nothing without a word.
     */
    private void sayWhatRestingInputsHold() {
        for (DebouncedInput in : inputs.values()) {
            GpioConfig.Input c = in.config();
            if (in.active() || c.kind() == InputKind.TRIGGER || c.kind() == InputKind.WRONG) continue; // at rest as they should be
            String cameras = c.cameras().isEmpty() ? "every camera" : "camera " + String.join(", ", c.cameras());
            log.warn("gpio: mock input {} ({}) is inactive: {} {}; set it with vigil run --mock-input {}=active", c.name(),
                    c.kind().name().toLowerCase(Locale.ROOT), cameras,
                    c.kind() == InputKind.ARM ? "stays disarmed (no alarm, no action)" : "runs no inference (frames skipped as \"wake\")", c.name());
        }
    }

    private String describeOutputs() {
        return config.outputs().values().stream().map(o -> o.name() + " BCM " + o.pin() + (o.activeLow() ? " active-low" : "")).toList().toString();
    }

    private String describeInputs() {
        return config.inputs().values().stream().map(i -> i.name() + " BCM " + i.pin() + " " + i.kind().name().toLowerCase(Locale.ROOT)).toList().toString();
    }
}
