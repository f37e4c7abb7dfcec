package dev.vigil.gpio.cdev;

import com.pi4j.context.Context;
import com.pi4j.exception.InitializeException;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputBase;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;

/** An output line: requested with its initial level (no glitch), written by ioctl, released at shutdown. */
final class CdevDigitalOutput extends DigitalOutputBase {

    private final CdevChip chip;
    private int fd = -1;

    CdevDigitalOutput(DigitalOutputProvider provider, DigitalOutputConfig config, CdevChip chip) {
        super(provider, config);
        this.chip = chip;
    }

    @Override
    public DigitalOutput initialize(Context context) throws InitializeException {
        boolean high = config.initialState() == DigitalState.HIGH;
        synchronized (this) {
            fd = Cdev.requestLine(chip.fd(), config.bcm(), Cdev.FLAG_OUTPUT, high, 0, "vigil");
        }
        return super.initialize(context);
    }

    @Override
    public synchronized DigitalOutput state(DigitalState state) {
        if (fd < 0) throw new com.pi4j.io.exception.IOException("line BCM " + config.bcm() + " of " + chip.path() + " is not open");
        Cdev.setValue(fd, state == DigitalState.HIGH);
        return super.state(state);
    }

    @Override
    public DigitalOutput shutdownInternal(Context context) throws ShutdownException {
        try {
            return super.shutdownInternal(context); // writes the configured shutdown state first
        } finally {
            synchronized (this) {
                if (fd >= 0) Cdev.close(fd);
                fd = -1;
            }
        }
    }
}
