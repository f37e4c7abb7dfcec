package dev.vigil.power;

import java.util.List;

/**
 * What a sensor reads at one moment.
 *
 * @param rails        every rail it measures, in a stable order
 * @param totalWatts   the device's draw as this source sees it: its input rail where it has one (a Jetson's VDD_IN),
 *                     else the sum of the rails
 * @param energyJoules energy counted by the hardware itself since the sensor was opened (RAPL), or NaN where the
 *                     source has no counter and energy is integrated from the power readings
 */
public record PowerReading(List<Rail> rails, double totalWatts, double energyJoules) {

    public PowerReading {
        rails = List.copyOf(rails);
    }

    /** A reading without a hardware energy counter. */
    public static PowerReading of(List<Rail> rails, double totalWatts) {
        return new PowerReading(rails, totalWatts, Double.NaN);
    }

    public static double sum(List<Rail> rails) {
        double s = 0;
        for (Rail r : rails) s += r.watts();
        return s;
    }
}
