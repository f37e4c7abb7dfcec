package dev.vigil.power;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One rail of a sysfs power monitor and how to read it: a power attribute in a known unit, or where the chip reports
 * no power, voltage (millivolts) times current (milliamperes) of the same channel.
 */
record RailChannel(String rail, Path power, double unitsPerWatt, Path volts, Path amps) {

    /** A power attribute ({@code power<N>_input} in microwatts: 1e6 per watt; {@code in_power<N>_input} in milliwatts: 1e3). */
    static RailChannel power(String rail, Path power, double unitsPerWatt) {
        return new RailChannel(rail, power, unitsPerWatt, null, null);
    }

    /** {@code in<N>_input} millivolts times {@code curr<N>_input} milliamperes. */
    static RailChannel voltsTimesAmps(String rail, Path millivolts, Path milliamps) {
        return new RailChannel(rail, null, 0, millivolts, milliamps);
    }

    double watts() throws IOException {
        if (power != null) return SysFiles.number(power) / unitsPerWatt;
        return SysFiles.number(volts) / 1e3 * (SysFiles.number(amps) / 1e3);
    }

    /** Every channel read once, in order. */
    static List<Rail> read(List<RailChannel> channels) throws IOException {
        List<Rail> rails = new ArrayList<>(channels.size());
        for (RailChannel c : channels) rails.add(new Rail(c.rail(), c.watts()));
        return rails;
    }
}
