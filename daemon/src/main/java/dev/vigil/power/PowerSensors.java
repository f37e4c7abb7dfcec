package dev.vigil.power;

import dev.vigil.config.PowerConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Chooses the power sensor once at start, by what the machine has: a Jetson's INA3221, a Pi 5's PMIC, hwmon power
 * monitors, RAPL, and where none of these exists the estimate. The roots and the command runner are given so tests
 * point them at fixture trees and canned output.
 */
public final class PowerSensors {

    /** What the sensors read: the sysfs root ({@code /sys}), a command runner, the machine's CPU use and a nanosecond clock. */
    public record Machine(Path sysRoot, CommandRunner commands, DoubleSupplier cpuLoad, LongSupplier nanoClock) {

        public static Machine real() {
            return new Machine(Path.of("/sys"), CommandRunner.SYSTEM, PowerSensors::systemCpuLoad, System::nanoTime);
        }
    }

    private PowerSensors() {}

    /**
     * The configured sensor, or for {@code auto} the first found; empty for {@code off}.
     *
     * @throws IllegalArgumentException (one line naming the source and the fix) when a source named in the config is absent
     */
    public static Optional<PowerSensor> choose(PowerConfig config, Machine m) {
        String s = config.source();
        if (s.equals("off")) return Optional.empty();
        if (s.equals("estimate")) return Optional.of(estimate(config, m));
        if (s.equals("auto")) {
            List<PowerSensor> found = measured(m, true);
            return Optional.of(found.isEmpty() ? estimate(config, m) : found.getFirst());
        }
        Optional<? extends PowerSensor> one = switch (s) {
            case "ina3221" -> Ina3221Sensor.find(m.sysRoot());
            case "pmic" -> PmicSensor.find(m.commands());
            case "hwmon" -> HwmonSensor.find(m.sysRoot());
            case "rapl" -> RaplSensor.find(m.sysRoot(), m.nanoClock());
            default -> throw new IllegalStateException("PowerConfig lets no other source through: " + s);
        };
        if (one.isEmpty()) throw new IllegalArgumentException("power.source: " + s + " was asked for but " + absent(s, m)
                + "; use source: auto (or estimate)");
        return Optional.of(one.get());
    }

    /** Every measuring sensor the machine has, in the order {@code auto} prefers them (for vigil doctor). */
    public static List<PowerSensor> available(Machine m) {
        return measured(m, false);
    }

    private static List<PowerSensor> measured(Machine m, boolean firstOnly) {
        List<PowerSensor> out = new ArrayList<>();
        Ina3221Sensor.find(m.sysRoot()).ifPresent(out::add);
        if (firstOnly && !out.isEmpty()) return out;
        PmicSensor.find(m.commands()).ifPresent(out::add);
        if (firstOnly && !out.isEmpty()) return out;
        HwmonSensor.find(m.sysRoot()).ifPresent(out::add);
        if (firstOnly && !out.isEmpty()) return out;
        RaplSensor.find(m.sysRoot(), m.nanoClock()).ifPresent(out::add);
        return out;
    }

    private static EstimatedPower estimate(PowerConfig c, Machine m) {
        return new EstimatedPower(c.idleWatts(), c.busyWatts(), m.cpuLoad());
    }

    private static String absent(String source, Machine m) {
        Path sys = m.sysRoot();
        return switch (source) {
            case "ina3221" -> "no INA3221 under " + sys.resolve("class/hwmon") + " or " + sys.resolve("bus/i2c/drivers/ina3221x");
            case "pmic" -> "`vcgencmd pmic_read_adc` reported no rails (a Raspberry Pi 5 with vcgencmd is needed)";
            case "hwmon" -> "no hwmon power or current channel under " + sys.resolve("class/hwmon");
            default -> "no readable RAPL zone under " + sys.resolve("class/powercap") + " (energy_uj needs root)";
        };
    }

    /** The whole machine's recent CPU use 0..1 (negative until the JVM has a first sample). */
    static double systemCpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) return os.getCpuLoad();
        return -1;
    }
}
