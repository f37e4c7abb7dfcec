package dev.vigil.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.PowerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each power source read from a fixture tree (or canned command output) written from the kernel's and the firmware's
 * documented formats, and the choice among them.
 */
class PowerSensorsTest {

    @TempDir
    Path sys;

    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    static final CommandRunner NO_VCGENCMD = (argv, t) -> { throw new IOException("Cannot run program \"vcgencmd\": No such file"); };

    /** `vcgencmd pmic_read_adc` on a Raspberry Pi 5 (firmware 2024-2025): current lines, then volt lines. */
    static final String PMIC = """
             3V7_WL_SW_A current(0)=0.00000000A
               3V3_SYS_A current(1)=0.05074784A
               1V8_SYS_A current(2)=0.16106000A
              DDR_VDD2_A current(3)=0.02537392A
              DDR_VDDQ_A current(4)=0.00000000A
               1V1_SYS_A current(5)=0.18738420A
               0V8_SYS_A current(6)=0.33186090A
              VDD_CORE_A current(7)=2.00000000A
               3V3_DAC_A current(17)=0.00048840A
               3V3_ADC_A current(18)=0.00030525A
               0V8_AON_A current(16)=0.00366300A
                  HDMI_A current(22)=0.01550274A
             3V7_WL_SW_V volt(8)=3.71777500V
               3V3_SYS_V volt(9)=3.31220600V
               1V8_SYS_V volt(10)=1.79926800V
              DDR_VDD2_V volt(11)=1.11225200V
              DDR_VDDQ_V volt(12)=0.60878640V
               1V1_SYS_V volt(13)=1.11176400V
               0V8_SYS_V volt(14)=0.80146500V
              VDD_CORE_V volt(15)=0.88400400V
               3V3_DAC_V volt(17)=3.30366900V
               3V3_ADC_V volt(18)=3.30525600V
               0V8_AON_V volt(16)=0.79658670V
                  HDMI_V volt(23)=5.14938000V
                 EXT5V_V volt(24)=5.14233600V
                  BATT_V volt(25)=0.00000000V
            """;

    PowerSensors.Machine machine(CommandRunner cmd) {
        return new PowerSensors.Machine(sys, cmd, () -> 0.25, clock::get);
    }

    void write(String path, String text) throws IOException {
        Path p = sys.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text + "\n");
    }

    static double watts(PowerReading r, String rail) {
        return r.rails().stream().filter(x -> x.name().equals(rail)).findFirst().orElseThrow(() -> new AssertionError(rail + " not in " + r)).watts();
    }

    @Test
    void hwmonReadsMicrowattsOrMillivoltsTimesMilliamperes() throws Exception {
        // An INA226 on a USB-C inline meter: power1_input in microwatts, labelled.
        write("class/hwmon/hwmon2/name", "ina226");
        write("class/hwmon/hwmon2/power1_input", "5125000");
        write("class/hwmon/hwmon2/power1_label", "vin");
        // A chip without power channels: in1 (mV) x curr1 (mA); in0 has no current and is not a rail.
        write("class/hwmon/hwmon10/name", "ltc2945");
        write("class/hwmon/hwmon10/in0_input", "3300");
        write("class/hwmon/hwmon10/in1_input", "12000");
        write("class/hwmon/hwmon10/curr1_input", "250");
        // A temperature-only chip is no power sensor.
        write("class/hwmon/hwmon0/name", "coretemp");
        write("class/hwmon/hwmon0/temp1_input", "45000");
        HwmonSensor s = HwmonSensor.find(sys).orElseThrow();
        PowerReading r = s.read();
        assertEquals(List.of("ina226/vin", "ltc2945/in1"), r.rails().stream().map(Rail::name).toList());
        assertEquals(5.125, watts(r, "ina226/vin"), 1e-9);
        assertEquals(3.0, watts(r, "ltc2945/in1"), 1e-9);
        assertEquals(8.125, r.totalWatts(), 1e-9);
        assertTrue(Double.isNaN(r.energyJoules()));
        write("class/hwmon/hwmon2/power1_input", "6000000");
        assertEquals(9.0, s.read().totalWatts(), 1e-9);
    }

    @Test
    void jetsonOrinRailsAreNamedByTheirLabelsAndVddInIsTheTotal() throws Exception {
        // JetPack 5/6: the ina3221 hwmon driver, bus voltage in mV, current in mA; channel 4.. unlabelled or sums.
        String d = "class/hwmon/hwmon1/";
        write(d + "name", "ina3221");
        write(d + "in1_label", "VDD_IN");
        write(d + "in1_input", "5056");
        write(d + "curr1_input", "1224");
        write(d + "in2_label", "VDD_CPU_GPU_CV");
        write(d + "in2_input", "5048");
        write(d + "curr2_input", "320");
        write(d + "in3_label", "VDD_SOC");
        write(d + "in3_input", "5040");
        write(d + "curr3_input", "544");
        write(d + "in7_label", "sum of shunt voltages");
        write(d + "in7_input", "120");
        Ina3221Sensor s = Ina3221Sensor.find(sys).orElseThrow();
        PowerReading r = s.read();
        assertEquals(List.of("VDD_IN", "VDD_CPU_GPU_CV", "VDD_SOC"), r.rails().stream().map(Rail::name).toList());
        assertEquals(5.056 * 1.224, watts(r, "VDD_IN"), 1e-9);
        assertEquals(5.056 * 1.224, r.totalWatts(), 1e-9);
        // The generic hwmon sensor leaves the INA3221 to this one.
        assertTrue(HwmonSensor.find(sys).isEmpty());
        assertEquals("ina3221", PowerSensors.choose(PowerConfig.DEFAULT, machine(NO_VCGENCMD)).orElseThrow().source());
    }

    @Test
    void jetsonNanoLegacyIioRailsReportMilliwattsAndSumWithoutAnInputRail() throws Exception {
        // JetPack 4: the ina3221x IIO driver; a Xavier's rails have no input rail, so the total is the sum.
        String d = "bus/i2c/drivers/ina3221x/1-0040/iio:device0/";
        write(d + "rail_name_0", "GPU");
        write(d + "in_power0_input", "1520");
        write(d + "rail_name_1", "CPU");
        write(d + "in_power1_input", "760");
        write(d + "rail_name_2", "SOC");
        write(d + "in_power2_input", "1140");
        PowerReading r = Ina3221Sensor.find(sys).orElseThrow().read();
        assertEquals(List.of("GPU", "CPU", "SOC"), r.rails().stream().map(Rail::name).toList());
        assertEquals(1.52, watts(r, "GPU"), 1e-9);
        assertEquals(3.42, r.totalWatts(), 1e-9);
    }

    @Test
    void pi5PmicSumsCurrentTimesVoltOfEveryRailWithBoth() throws Exception {
        List<List<String>> calls = new java.util.ArrayList<>();
        CommandRunner canned = (argv, timeout) -> {
            calls.add(argv);
            assertTrue(timeout.compareTo(Duration.ofSeconds(5)) <= 0, "a short timeout");
            return PMIC;
        };
        PmicSensor s = PmicSensor.find(canned).orElseThrow();
        PowerReading r = s.read();
        assertEquals(List.of("vcgencmd", "pmic_read_adc"), calls.getFirst());
        assertEquals(12, r.rails().size()); // EXT5V and BATT have no current line
        assertEquals(2.0 * 0.884004, watts(r, "VDD_CORE"), 1e-9);
        double expected = 0.05074784 * 3.312206 + 0.16106 * 1.799268 + 0.02537392 * 1.112252 + 0.1873842 * 1.111764
                + 0.3318609 * 0.801465 + 2.0 * 0.884004 + 0.0004884 * 3.303669 + 0.00030525 * 3.305256 + 0.003663 * 0.7965867
                + 0.01550274 * 5.14938;
        assertEquals(expected, r.totalWatts(), 1e-6);
        // A Pi 4's firmware answers the command with an error: no PMIC.
        assertTrue(PmicSensor.find((a, t) -> "error=2 error_msg=\"Command not registered\"\n").isEmpty());
        assertTrue(PmicSensor.find(NO_VCGENCMD).isEmpty());
        assertEquals("pmic", PowerSensors.choose(PowerConfig.DEFAULT, machine(canned)).orElseThrow().source());
    }

    @Test
    void raplPowerIsEnergyOverTimeAndTheCounterWrapsAtItsRange() throws Exception {
        write("class/powercap/intel-rapl:0/name", "package-0");
        write("class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850");
        write("class/powercap/intel-rapl:0/energy_uj", "262140000000");
        write("class/powercap/intel-rapl:0:0/name", "core"); // a part of the package: not a rail of its own
        write("class/powercap/intel-rapl:0:0/max_energy_range_uj", "262143328850");
        write("class/powercap/intel-rapl:0:0/energy_uj", "1000");
        write("class/powercap/intel-rapl:1/name", "dram");
        write("class/powercap/intel-rapl:1/max_energy_range_uj", "65712999613");
        write("class/powercap/intel-rapl:1/energy_uj", "1000000");
        RaplSensor s = RaplSensor.find(sys, clock::get).orElseThrow();
        // 2 s later: the package counter went 3,328,850 uJ to its range and wrapped to 16,671,150 (20 J in all).
        clock.addAndGet(2_000_000_000L);
        write("class/powercap/intel-rapl:0/energy_uj", "16671150");
        write("class/powercap/intel-rapl:1/energy_uj", "3000000");
        PowerReading r = s.read();
        assertEquals(List.of("package-0", "dram"), r.rails().stream().map(Rail::name).toList());
        assertEquals(10.0, watts(r, "package-0"), 1e-9);
        assertEquals(1.0, watts(r, "dram"), 1e-9);
        assertEquals(11.0, r.totalWatts(), 1e-9);
        assertEquals(22.0, r.energyJoules(), 1e-9);
        PowerMonitor m = new PowerMonitor(s, clock::get);
        assertEquals(0, m.sample(), 1e-9); // the first sample is the baseline
        clock.addAndGet(1_000_000_000L);
        write("class/powercap/intel-rapl:0/energy_uj", "21671150");
        write("class/powercap/intel-rapl:1/energy_uj", "3500000");
        assertEquals(5.5, m.sample(), 1e-9);
        assertEquals(5.5, m.energyJoules(), 1e-9);
    }

    @Test
    void raplWithAPlatformZoneCountsItAloneInTheTotal() throws Exception {
        write("class/powercap/intel-rapl:0/name", "package-0");
        write("class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850");
        write("class/powercap/intel-rapl:0/energy_uj", "0");
        write("class/powercap/intel-rapl:1/name", "psys");
        write("class/powercap/intel-rapl:1/max_energy_range_uj", "262143328850");
        write("class/powercap/intel-rapl:1/energy_uj", "0");
        RaplSensor s = RaplSensor.find(sys, clock::get).orElseThrow();
        clock.addAndGet(1_000_000_000L);
        write("class/powercap/intel-rapl:0/energy_uj", "6000000");
        write("class/powercap/intel-rapl:1/energy_uj", "9000000");
        assertEquals(9.0, s.read().totalWatts(), 1e-9);
        assertEquals("rapl", PowerSensors.choose(PowerConfig.DEFAULT, machine(NO_VCGENCMD)).orElseThrow().source());
    }

    @Test
    void noSensorMeansAClearlyLabelledEstimateFromCpuUse() throws Exception {
        PowerSensor s = PowerSensors.choose(new PowerConfig("auto", 2, 6, Duration.ofSeconds(1)), machine(NO_VCGENCMD)).orElseThrow();
        assertEquals("estimate", s.source());
        assertTrue(s.description().contains("estimate"), s.description());
        PowerReading r = s.read();
        assertEquals(List.of(new Rail("total", 3.0)), r.rails()); // 2 W + 25% of the 4 W between idle and busy
        PowerMonitor m = new PowerMonitor(s, clock::get);
        m.sample();
        clock.addAndGet(3_000_000_000L);
        assertEquals(9.0, m.sample(), 1e-9); // 3 W for 3 s
        assertTrue(PowerSensors.available(machine(NO_VCGENCMD)).isEmpty());
        assertTrue(PowerSensors.choose(new PowerConfig("off", 2, 6, Duration.ofSeconds(1)), machine(NO_VCGENCMD)).isEmpty());
    }

    @Test
    void aNamedSourceTheMachineLacksIsOneClearLine() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PowerSensors.choose(new PowerConfig("rapl", 2, 6, Duration.ofSeconds(1)), machine(NO_VCGENCMD)));
        assertTrue(e.getMessage().startsWith("power.source: rapl was asked for but no readable RAPL zone under "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; use source: auto (or estimate)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aSensorThatStopsReadingGivesNaNOnceLoggedThenRecovers() throws Exception {
        write("class/hwmon/hwmon0/name", "ina219");
        write("class/hwmon/hwmon0/power1_input", "2000000");
        PowerMonitor m = new PowerMonitor(HwmonSensor.find(sys).orElseThrow(), clock::get);
        m.sample();
        Files.delete(sys.resolve("class/hwmon/hwmon0/power1_input"));
        clock.addAndGet(1_000_000_000L);
        assertTrue(Double.isNaN(m.sample()));
        assertEquals(null, m.latest());
        write("class/hwmon/hwmon0/power1_input", "4000000");
        clock.addAndGet(1_000_000_000L);
        assertEquals(0, m.sample(), 1e-9); // a new baseline after the gap: no energy invented for it
        clock.addAndGet(1_000_000_000L);
        assertEquals(4.0, m.sample(), 1e-9);
    }
}
