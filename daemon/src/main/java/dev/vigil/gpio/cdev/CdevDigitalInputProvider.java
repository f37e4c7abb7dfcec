package dev.vigil.gpio.cdev;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProviderBase;

/** Pi4J's digital input provider on one GPIO character device (see {@link Cdev}). */
public final class CdevDigitalInputProvider extends DigitalInputProviderBase {

    public static final String ID = "vigil-cdev-digital-input";

    private final CdevChip chip;

    public CdevDigitalInputProvider(CdevChip chip) {
        super(ID, "vigil GPIO character device input (FFM)");
        this.chip = chip;
    }

    @Override
    public DigitalInput create(DigitalInputConfig config) {
        CdevDigitalInput in = new CdevDigitalInput(this, config, chip);
        context.registry().add(in);
        return in;
    }
}
