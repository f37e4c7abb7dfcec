package dev.vigil.gpio.cdev;

import com.pi4j.context.Context;
import com.pi4j.exception.InitializeException;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputBase;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.PullResistance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input line with edge events on both edges: a watcher thread polls the line's descriptor (200 ms at most, so it
 * notices shutdown) and dispatches each edge as a Pi4J state change. No kernel debounce and no bias for {@code OFF}:
 * not every chip supports them (the request would fail with EINVAL); vigil debounces every input itself.
 */
final class CdevDigitalInput extends DigitalInputBase {

    private static final Logger log = LoggerFactory.getLogger(CdevDigitalInput.class);

    private final CdevChip chip;
    private volatile int fd = -1;
    private volatile boolean running;
    private Thread watcher;

    CdevDigitalInput(DigitalInputProvider provider, DigitalInputConfig config, CdevChip chip) {
        super(provider, config);
        this.chip = chip;
    }

    @Override
    public DigitalInput initialize(Context context) throws InitializeException {
        long flags = Cdev.FLAG_INPUT | Cdev.FLAG_EDGE_RISING | Cdev.FLAG_EDGE_FALLING;
        PullResistance pull = config.pull();
        if (pull == PullResistance.PULL_UP) flags |= Cdev.FLAG_BIAS_PULL_UP;
        else if (pull == PullResistance.PULL_DOWN) flags |= Cdev.FLAG_BIAS_PULL_DOWN;
        fd = Cdev.requestLine(chip.fd(), config.bcm(), flags, false, 0, "vigil");
        super.initialize(context);
        running = true;
        watcher = Thread.ofPlatform().daemon(true).name("vigil-gpio-in-" + config.bcm()).start(this::watch);
        return this;
    }

    private void watch() {
        while (running) {
            try {
                Cdev.Event e = Cdev.awaitEvent(fd, 200);
                if (e == null) continue;
                dispatch(new DigitalStateChangeEvent<>(this, e.id() == Cdev.EVENT_RISING_EDGE ? DigitalState.HIGH : DigitalState.LOW));
            } catch (RuntimeException ex) {
                if (!running) return;
                log.error("gpio: BCM {} of {}: {}; edges are no longer watched", config.bcm(), chip.path(), ex.getMessage());
                return;
            }
        }
    }

    @Override
    public DigitalState state() {
        int f = fd;
        if (f < 0) return DigitalState.UNKNOWN;
        return Cdev.getValue(f) ? DigitalState.HIGH : DigitalState.LOW;
    }

    @Override
    public DigitalInput shutdownInternal(Context context) throws ShutdownException {
        running = false;
        try {
            if (watcher != null) watcher.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return (DigitalInput) super.shutdownInternal(context);
        } finally {
            if (fd >= 0) Cdev.close(fd);
            fd = -1;
        }
    }
}
