package dev.vigil.gpio.cdev;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProviderBase;

/** Pi4J's digital output provider on one GPIO character device (see {@link Cdev}). */
public final class CdevDigitalOutputProvider extends DigitalOutputProviderBase {

    public static final String ID = "vigil-cdev-digital-output";

    private final CdevChip chip;

    public CdevDigitalOutputProvider(CdevChip chip) {
        super(ID, "vigil GPIO character device output (FFM)");
        this.chip = chip;
    }

    @Override
    public DigitalOutput create(DigitalOutputConfig config) {
        CdevDigitalOutput out = new CdevDigitalOutput(this, config, chip);
        context.registry().add(out);
        return out;
    }
}
