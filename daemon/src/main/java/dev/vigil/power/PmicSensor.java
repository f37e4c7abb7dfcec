package dev.vigil.power;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Raspberry Pi 5's PMIC, read with {@code vcgencmd pmic_read_adc}, which prints one line per ADC channel:
 * <pre>
 *    VDD_CORE_A current(7)=0.72090000A
 *    VDD_CORE_V volt(15)=0.88400400V
 * </pre>
 * A rail is a name with both a current ({@code _A}) and a voltage ({@code _V}) line; its power is their product, and
 * the total is the sum over the rails (the PMIC's own rails: USB devices and the fan are not among them).
 */
public final class PmicSensor implements PowerSensor {

    static final List<String> COMMAND = List.of("vcgencmd", "pmic_read_adc");
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern LINE = Pattern.compile(
            "\\s*([A-Za-z0-9_]+)_([AV])\\s+(?:current|volt)\\(\\d+\\)=([-+0-9.eE]+)\\s*[AV]?\\s*");

    private final CommandRunner runner;
    private final String description;

    private PmicSensor(CommandRunner runner, int rails) {
        this.runner = runner;
        this.description = "Raspberry Pi 5 PMIC (vcgencmd pmic_read_adc): " + rails + " rails";
    }

    /** The PMIC when {@code vcgencmd pmic_read_adc} runs and reports rails; else empty (not a Pi 5, no vcgencmd). */
    public static Optional<PmicSensor> find(CommandRunner runner) {
        try {
            List<Rail> rails = parse(runner.run(COMMAND, TIMEOUT));
            return rails.isEmpty() ? Optional.empty() : Optional.of(new PmicSensor(runner, rails.size()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The rails of {@code pmic_read_adc}'s output, in the order of their current lines. */
    static List<Rail> parse(String output) {
        Map<String, Double> amps = new LinkedHashMap<>(), volts = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) continue;
            double v;
            try {
                v = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                continue;
            }
            (m.group(2).equals("A") ? amps : volts).put(m.group(1), v);
        }
        List<Rail> out = new ArrayList<>();
        for (var e : amps.entrySet()) {
            Double v = volts.get(e.getKey());
            if (v != null) out.add(new Rail(e.getKey(), e.getValue() * v));
        }
        return out;
    }

    @Override public String source() { return "pmic"; }

    @Override public String description() { return description; }

    @Override
    public PowerReading read() throws IOException {
        List<Rail> rails = parse(runner.run(COMMAND, TIMEOUT));
        if (rails.isEmpty()) throw new IOException("vcgencmd pmic_read_adc printed no rails");
        return PowerReading.of(rails, PowerReading.sum(rails));
    }
}
