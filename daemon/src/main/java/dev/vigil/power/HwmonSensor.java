package dev.vigil.power;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linux hwmon power monitors ({@code /sys/class/hwmon/hwmon*}): {@code power<N>_input} in microwatts, or where a
 * chip reports no power, {@code in<N>_input} (millivolts) times {@code curr<N>_input} (milliamperes) of the same
 * channel. Rails are named {@code <chip name>/<label>} ({@code power<N>_label}, {@code in<N>_label}, else the
 * channel). INA3221 chips are left to {@link Ina3221Sensor}, which knows a Jetson's rail layout. The total is the sum.
 */
public final class HwmonSensor implements PowerSensor {

    private final List<RailChannel> channels;
    private final String description;

    private HwmonSensor(List<RailChannel> channels, String description) {
        this.channels = channels;
        this.description = description;
    }

    /** The power channels under {@code <sysRoot>/class/hwmon}, or empty when there are none. */
    public static Optional<HwmonSensor> find(Path sysRoot) {
        List<RailChannel> out = new ArrayList<>();
        List<String> chips = new ArrayList<>();
        for (Path dev : SysFiles.list(sysRoot.resolve("class/hwmon"), "hwmon*")) {
            String name = SysFiles.textOrNull(dev.resolve("name"));
            if (name == null || name.equalsIgnoreCase("ina3221")) continue;
            int before = out.size();
            for (int n : SysFiles.channels(dev, "power", "_input")) {
                out.add(RailChannel.power(name + "/" + label(dev, "power" + n), dev.resolve("power" + n + "_input"), 1e6));
            }
            if (out.size() == before) {
                for (int n : SysFiles.channels(dev, "curr", "_input")) {
                    Path v = dev.resolve("in" + n + "_input");
                    if (!v.toFile().isFile()) continue;
                    out.add(RailChannel.voltsTimesAmps(name + "/" + label(dev, "in" + n), v, dev.resolve("curr" + n + "_input")));
                }
            }
            if (out.size() > before) chips.add(name + " (" + dev.getFileName() + ")");
        }
        if (out.isEmpty()) return Optional.empty();
        // A channel that cannot be read now (a driver that fails the read) would fail every sample: leave it out.
        List<RailChannel> readable = new ArrayList<>();
        for (RailChannel c : out) {
            try {
                c.watts();
                readable.add(c);
            } catch (IOException | RuntimeException e) {
                // not readable: skipped
            }
        }
        if (readable.isEmpty()) return Optional.empty();
        return Optional.of(new HwmonSensor(List.copyOf(readable), "hwmon " + String.join(", ", chips) + ": "
                + readable.size() + " rail(s)"));
    }

    private static String label(Path dev, String channel) {
        String l = SysFiles.textOrNull(dev.resolve(channel + "_label"));
        return l == null || l.isBlank() ? channel : l;
    }

    @Override public String source() { return "hwmon"; }

    @Override public String description() { return description; }

    @Override
    public PowerReading read() throws IOException {
        List<Rail> rails = RailChannel.read(channels);
        return PowerReading.of(rails, PowerReading.sum(rails));
    }
}
