package dev.vigil.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An NVIDIA Jetson's INA3221 power monitors, rails named by their labels.
 * <ul>
 * <li>JetPack 5 and later (hwmon driver): {@code /sys/class/hwmon/hwmon*} with {@code name} {@code ina3221},
 *     per channel {@code in<N>_label} (e.g. {@code VDD_IN}), {@code in<N>_input} in millivolts and
 *     {@code curr<N>_input} in milliamperes. Channels without a label are not connected.</li>
 * <li>JetPack 4 ({@code ina3221x} IIO driver): {@code /sys/bus/i2c/drivers/ina3221x/*}{@code /iio:device*} with
 *     {@code rail_name_<N>} and {@code in_power<N>_input} in milliwatts.</li>
 * </ul>
 * The total is the module's input rail ({@code VDD_IN}, {@code POM_5V_IN}) where there is one, since the other rails
 * are parts of it; else the sum of the rails.
 */
public final class Ina3221Sensor implements PowerSensor {

    private final List<RailChannel> channels;
    private final int input; // index of the input rail, or -1
    private final String description;

    private Ina3221Sensor(List<RailChannel> channels, String description) {
        this.channels = channels;
        this.description = description;
        int in = -1;
        for (int i = 0; i < channels.size(); i++) {
            String r = channels.get(i).rail().toUpperCase(Locale.ROOT);
            if (r.endsWith("_IN") || r.equals("VIN") || r.equals("VDD_IN")) {
                in = i;
                break;
            }
        }
        this.input = in;
    }

    /** The INA3221 rails under {@code sysRoot} (the hwmon and the older IIO layout), or empty when there are none. */
    public static Optional<Ina3221Sensor> find(Path sysRoot) {
        List<RailChannel> out = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (Path dev : SysFiles.list(sysRoot.resolve("class/hwmon"), "hwmon*")) {
            String name = SysFiles.textOrNull(dev.resolve("name"));
            if (name == null || !name.equalsIgnoreCase("ina3221")) continue;
            int before = out.size();
            for (int n : SysFiles.channels(dev, "in", "_label")) {
                String label = SysFiles.textOrNull(dev.resolve("in" + n + "_label"));
                Path v = dev.resolve("in" + n + "_input"), a = dev.resolve("curr" + n + "_input");
                // Newer kernels also label the shunt-sum channel; it has no current of its own.
                if (label == null || label.isBlank() || label.equalsIgnoreCase("NC") || !Files.isRegularFile(v) || !Files.isRegularFile(a)) continue;
                out.add(RailChannel.voltsTimesAmps(label, v, a));
            }
            if (out.size() > before) where.add(dev.getFileName().toString());
        }
        for (Path chip : SysFiles.list(sysRoot.resolve("bus/i2c/drivers/ina3221x"), "*")) {
            for (Path dev : SysFiles.list(chip, "iio:device*")) {
                int before = out.size();
                for (int n : SysFiles.channels(dev, "rail_name_", "")) {
                    String label = SysFiles.textOrNull(dev.resolve("rail_name_" + n));
                    Path p = dev.resolve("in_power" + n + "_input");
                    if (label == null || label.isBlank() || !Files.isRegularFile(p)) continue;
                    out.add(RailChannel.power(label, p, 1e3));
                }
                if (out.size() > before) where.add(chip.getFileName() + "/" + dev.getFileName());
            }
        }
        if (out.isEmpty()) return Optional.empty();
        List<String> names = out.stream().map(RailChannel::rail).toList();
        return Optional.of(new Ina3221Sensor(List.copyOf(out), "INA3221 " + String.join(", ", where) + ": " + String.join(", ", names)));
    }

    @Override public String source() { return "ina3221"; }

    @Override public String description() { return description; }

    @Override
    public PowerReading read() throws IOException {
        List<Rail> rails = RailChannel.read(channels);
        return PowerReading.of(rails, input >= 0 ? rails.get(input).watts() : PowerReading.sum(rails));
    }
}
