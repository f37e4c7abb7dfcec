package dev.vigil.gpio;

import dev.vigil.config.GpioConfig.Pull;

/**
 * The GPIO hardware, chosen once at wiring ({@link Pi4jPins#open}): a Pi4J context on the GPIO character device, or
 * on Pi4J's mock providers where there is no chip. Pins are claimed by name; logical "active" is translated to the
 * physical level here (active-low parts), so nothing above this layer knows about levels.
 */
public interface GpioPins extends AutoCloseable {

    /** Claims an output in its safe (inactive) state. */
    OutputPin output(String name, int bcm, boolean activeLow);

    /** Claims an input. */
    InputPin input(String name, int bcm, Pull pull, boolean activeLow, int debounceMicros);

    /** {@code mock (no GPIO chip)} or {@code /dev/gpiochip0 (pinctrl-rp1, 54 lines)}. */
    String description();

    boolean isMock();

    /** The physical level of a claimed pin (true = HIGH). */
    boolean level(String name);

    /** Sets every output to its safe state and releases every pin. */
    @Override
    void close();

    interface OutputPin {
        String name();

        int bcm();

        /** Drives the part on (active) or off; thread-safe. */
        void set(boolean active);

        boolean active();

        /** Off (its safe state); never throws. */
        void safe();
    }

    interface InputPin {
        String name();

        int bcm();

        boolean active();

        /** Called on every raw change (before debouncing), on the provider's thread, with the nanos of the edge. */
        void onChange(ChangeListener l);
    }

    @FunctionalInterface
    interface ChangeListener {
        void changed(boolean active, long nanos);
    }
}
