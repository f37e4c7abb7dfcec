package dev.vigil.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.vigil.config.GpioConfig;
import dev.vigil.config.GpioConfig.Pull;
import dev.vigil.gpio.cdev.Cdev;
import dev.vigil.gpio.cdev.CdevChip;
import dev.vigil.gpio.cdev.CdevDigitalInputProvider;
import dev.vigil.gpio.cdev.CdevDigitalOutputProvider;
import dev.vigil.time.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GpioPins} on a Pi4J 4 context. The context gets exactly two providers, chosen here and nowhere else: vigil's
 * FFM providers on a GPIO character device, or Pi4J's mock providers (no chip on this machine, {@code gpio.mock: true},
 * tests). Pi4J's own auto-detection is off: it would probe for plugins and boards that vigil does not use.
 */
public final class Pi4jPins implements GpioPins {

    private static final Logger log = LoggerFactory.getLogger(Pi4jPins.class);

    private final Context context;
    private final CdevChip chip; // null for the mock
    private final String description;
    private final TimeSource time; // stamps input edges and the output timelines
    private final Map<String, Out> outputs = new ConcurrentHashMap<>();
    private final Map<String, In> inputs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> mockRest = new ConcurrentHashMap<>(); // mock only: an input's level from its claim
    private volatile boolean closed;

    private Pi4jPins(Context context, CdevChip chip, String description, TimeSource time) {
        this.context = context;
        this.chip = chip;
        this.description = description;
        this.time = time;
    }

    /** Pi4J's mock: outputs that only remember their level, inputs driven by {@link #mockLevel}. */
    public static Pi4jPins mock(String why) {
        return mock(why, TimeSource.system());
    }

    /** The mock with its edges and timelines stamped by {@code time} (a test's virtual time). */
    public static Pi4jPins mock(String why, TimeSource time) {
        Context ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(MockDigitalOutputProvider.newInstance(), MockDigitalInputProvider.newInstance()).build();
        return new Pi4jPins(ctx, null, "mock (" + why + ")", time);
    }

    /** A GPIO character device through vigil's FFM providers. */
    public static Pi4jPins chip(Path device) {
        CdevChip chip;
        try {
            chip = CdevChip.open(device);
        } catch (Cdev.CdevException e) {
            throw new GpioException("gpio: " + e.getMessage() + (e.errno() == 13 ? " (add the user to the gpio group)" : ""));
        }
        Context ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(new CdevDigitalOutputProvider(chip), new CdevDigitalInputProvider(chip)).build();
        return new Pi4jPins(ctx, chip, chip.describe(), TimeSource.system());
    }

    /**
     * The hardware for a config: the mock when {@code gpio.mock} is set or this machine has no GPIO chip (then with one
     * warning line), else the configured chip ({@code auto}: the Raspberry Pi's pinctrl chip, else gpiochip0).
     */
    public static Pi4jPins open(GpioConfig cfg) {
        if (cfg.mock()) return mock("gpio.mock: true");
        List<Path> chips = CdevChip.list();
        if (chips.isEmpty()) {
            log.warn("gpio: no GPIO chip on this machine (/dev/gpiochip*); using the Pi4J mock: outputs drive nothing, inputs rest at their pull level (vigil run --mock-input NAME=active sets one)");
            return mock("no GPIO chip");
        }
        return chip(resolve(cfg.chip(), chips));
    }

    /** The device of a chip setting: auto, gpiochipN or /dev/gpiochipN. */
    static Path resolve(String setting, List<Path> chips) {
        if (!setting.equals(GpioConfig.AUTO_CHIP)) {
            Path p = setting.startsWith("/") ? Path.of(setting) : Path.of("/dev", setting);
            if (!Files.exists(p)) {
                throw new GpioException("gpio.chip: " + p + " does not exist; chips here: " + chips.stream().map(Path::toString).toList());
            }
            return p;
        }
        for (Path p : chips) {
            try (CdevChip c = CdevChip.open(p)) {
                if (c.info().label().contains("pinctrl")) return p; // the Pi's header GPIOs (pinctrl-bcm2711, pinctrl-rp1)
            } catch (RuntimeException e) {
                log.debug("gpio: {}: {}", p, e.getMessage());
            }
        }
        return chips.getFirst();
    }

    private String where() { return chip == null ? "the mock chip" : chip.path().toString(); }

    private static String id(String name) { return "vigil-" + name; }

    @Override
    public OutputPin output(String name, int bcm, boolean activeLow) {
        DigitalState safe = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        DigitalOutput d;
        try {
            d = context.create(DigitalOutput.newConfigBuilder(context).id(id(name)).name(name).bcm(bcm).initial(safe).shutdown(safe));
        } catch (RuntimeException e) {
            throw claimFailed(name, bcm, e);
        }
        Out o = new Out(name, bcm, activeLow, d);
        outputs.put(name, o);
        return o;
    }

    @Override
    public InputPin input(String name, int bcm, Pull pull, boolean activeLow, int debounceMicros) {
        PullResistance pr = switch (pull) {
            case UP -> PullResistance.PULL_UP;
            case DOWN -> PullResistance.PULL_DOWN;
            case OFF -> PullResistance.OFF;
        };
        DigitalInput d;
        try {
            d = context.create(DigitalInput.newConfigBuilder(context).id(id(name)).name(name).bcm(bcm).pull(pr)
                    .debounce((long) debounceMicros, TimeUnit.MICROSECONDS));
        } catch (RuntimeException e) {
            throw claimFailed(name, bcm, e);
        }
        // A mock input rests where its pull resistor would hold a real one (a switch open, a sensor quiet), or where
        // vigil run --mock-input put it.
        if (d instanceof MockDigitalInput m) m.mockState(mockRest.getOrDefault(name, pull == Pull.UP) ? DigitalState.HIGH : DigitalState.LOW);
        In in = new In(name, bcm, activeLow, d);
        inputs.put(name, in);
        return in;
    }

    private GpioException claimFailed(String name, int bcm, RuntimeException e) {
        String why = rootMessage(e);
        String hint = why.toLowerCase(java.util.Locale.ROOT).contains("busy")
                ? "; another process holds it (a running vigil sets its outputs safe itself when stopped)"
                : why.contains("Invalid argument") ? "; is BCM " + bcm + " a line of this chip? (gpio.chip, gpioinfo)" : "";
        return new GpioException("gpio: cannot claim BCM " + bcm + " (" + name + ") on " + where() + ": " + why + hint);
    }

    /** The physical level a mock input holds from its claim on (vigil run --mock-input); before the inputs are claimed. */
    public void restMockInput(String input, boolean high) {
        if (chip != null) throw new IllegalStateException("input " + input + " is on " + where() + ", not the mock");
        mockRest.put(input, high);
        if (inputs.containsKey(input)) mockLevel(input, high);
    }

    /** Drives a mock input's physical level (tests, demos). */
    public void mockLevel(String input, boolean high) {
        In in = inputs.get(input);
        if (in == null) throw new IllegalArgumentException("no input " + input + " (inputs: " + inputs.keySet() + ")");
        if (!(in.d instanceof MockDigitalInput m)) throw new IllegalStateException("input " + input + " is on " + where() + ", not the mock");
        m.mockState(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    /** Physical level changes of an output as Pi4J reports them (tests read timelines through this). */
    public void onOutputLevel(String output, ChangeListener l) {
        Out o = outputs.get(output);
        if (o == null) throw new IllegalArgumentException("no output " + output + " (outputs: " + outputs.keySet() + ")");
        o.d.addListener(e -> l.changed(e.state() == DigitalState.HIGH, time.nanoTime()));
    }

    @Override
    public boolean level(String name) {
        Out o = outputs.get(name);
        if (o != null) return o.d.state() == DigitalState.HIGH;
        In in = inputs.get(name);
        if (in != null) return in.d.state() == DigitalState.HIGH;
        throw new IllegalArgumentException("no pin " + name);
    }

    @Override
    public String description() { return description; }

    @Override
    public boolean isMock() { return chip == null; }

    public Context context() { return context; }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Out o : outputs.values()) o.safe();
        try {
            context.shutdown(); // each output writes its shutdown (safe) state again, then every line is released
        } catch (RuntimeException e) {
            log.warn("gpio: shutting down Pi4J failed: {}", rootMessage(e));
        }
        if (chip != null) chip.close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private final class Out implements OutputPin {
        final String name;
        final int bcm;
        final boolean activeLow;
        final DigitalOutput d;
        private volatile boolean active;

        Out(String name, int bcm, boolean activeLow, DigitalOutput d) {
            this.name = name;
            this.bcm = bcm;
            this.activeLow = activeLow;
            this.d = d;
        }

        @Override public String name() { return name; }

        @Override public int bcm() { return bcm; }

        @Override
        public synchronized void set(boolean on) {
            if (closed && on) return; // after close nothing turns on again
            try {
                d.state(on != activeLow ? DigitalState.HIGH : DigitalState.LOW);
            } catch (RuntimeException e) {
                throw new GpioException("gpio: writing BCM " + bcm + " (" + name + ") on " + where() + " failed: " + rootMessage(e));
            }
            active = on;
        }

        @Override public boolean active() { return active; }

        @Override
        public void safe() {
            try {
                set(false);
            } catch (RuntimeException e) {
                log.error("{}", e.getMessage());
            }
        }
    }

    private final class In implements InputPin {
        final String name;
        final int bcm;
        final boolean activeLow;
        final DigitalInput d;

        In(String name, int bcm, boolean activeLow, DigitalInput d) {
            this.name = name;
            this.bcm = bcm;
            this.activeLow = activeLow;
            this.d = d;
        }

        @Override public String name() { return name; }

        @Override public int bcm() { return bcm; }

        @Override public boolean active() { return (d.state() == DigitalState.HIGH) != activeLow; }

        @Override
        public void onChange(ChangeListener l) {
            d.addListener(e -> l.changed((e.state() == DigitalState.HIGH) != activeLow, time.nanoTime()));
        }
    }
}
