package dev.vigil.gpio;

/** A GPIO problem in one line naming the pin and the chip, e.g. {@code cannot claim BCM 17 on /dev/gpiochip0: busy}. */
public final class GpioException extends RuntimeException {

    public GpioException(String message) {
        super(message, null, false, false);
    }
}
