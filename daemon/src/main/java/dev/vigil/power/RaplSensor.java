package dev.vigil.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Intel (and AMD) RAPL through powercap: {@code /sys/class/powercap/intel-rapl:<N>} zones with {@code name}
 * ({@code package-0}, {@code psys}, {@code dram}), {@code energy_uj} (a counter in microjoules) and
 * {@code max_energy_range_uj}, where the counter wraps to 0. Power is energy over time between two reads. The
 * total counts the platform zone ({@code psys}) alone where there is one, since it includes the packages; else every
 * top-level zone. Reading {@code energy_uj} needs root on kernels since 5.10 (a non-root user gets no RAPL).
 */
public final class RaplSensor implements PowerSensor {

    private static final class Zone {
        final String name;
        final Path energy;
        final long range;
        final boolean inTotal;
        long last;
        double joules; // accumulated since open, wraps undone

        Zone(String name, Path energy, long range, boolean inTotal) {
            this.name = name;
            this.energy = energy;
            this.range = range;
            this.inTotal = inTotal;
        }

        /** Joules since the previous read, with the counter's wrap at max_energy_range_uj undone. */
        double advance() throws IOException {
            long now = SysFiles.number(energy);
            long delta = now >= last ? now - last : (range - last) + now;
            last = now;
            double j = delta / 1e6;
            joules += j;
            return j;
        }
    }

    private final List<Zone> zones;
    private final LongSupplier clock;
    private final String description;
    private long lastNanos;
    private double[] lastWatts;

    private RaplSensor(List<Zone> zones, LongSupplier clock) throws IOException {
        this.zones = zones;
        this.clock = clock;
        this.description = "RAPL " + String.join(", ", zones.stream().map(z -> z.name).toList());
        for (Zone z : zones) z.last = SysFiles.number(z.energy);
        lastNanos = clock.getAsLong();
        lastWatts = new double[zones.size()];
        java.util.Arrays.fill(lastWatts, Double.NaN);
    }

    /** The top-level RAPL zones under {@code <sysRoot>/class/powercap} that can be read, or empty. */
    public static Optional<RaplSensor> find(Path sysRoot, LongSupplier nanoClock) {
        List<Path> dirs = new ArrayList<>();
        for (Path z : SysFiles.list(sysRoot.resolve("class/powercap"), "intel-rapl:*")) {
            // intel-rapl:0 is a top-level zone; intel-rapl:0:1 a part of it (core, uncore), counted in its parent.
            if (z.getFileName().toString().matches("intel-rapl:\\d+")) dirs.add(z);
        }
        List<String> names = new ArrayList<>();
        List<Long> ranges = new ArrayList<>();
        List<Path> energies = new ArrayList<>();
        for (Path z : dirs) {
            Path e = z.resolve("energy_uj");
            String name = SysFiles.textOrNull(z.resolve("name"));
            String range = SysFiles.textOrNull(z.resolve("max_energy_range_uj"));
            if (name == null || range == null || !Files.isReadable(e) || SysFiles.textOrNull(e) == null) continue;
            try {
                ranges.add(Long.parseLong(range));
            } catch (NumberFormatException ex) {
                continue;
            }
            names.add(name);
            energies.add(e);
        }
        if (names.isEmpty()) return Optional.empty();
        boolean psys = names.contains("psys");
        List<Zone> zones = new ArrayList<>();
        for (int i = 0; i < names.size(); i++)
            zones.add(new Zone(names.get(i), energies.get(i), ranges.get(i), !psys || names.get(i).equals("psys")));
        try {
            return Optional.of(new RaplSensor(zones, nanoClock));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override public String source() { return "rapl"; }

    @Override public String description() { return description; }

    @Override
    public synchronized PowerReading read() throws IOException {
        long now = clock.getAsLong();
        double secs = (now - lastNanos) / 1e9;
        boolean fresh = secs >= 0.001; // two reads in the same millisecond give no rate: keep the previous one
        List<Rail> rails = new ArrayList<>(zones.size());
        double total = 0, energy = 0;
        for (int i = 0; i < zones.size(); i++) {
            Zone z = zones.get(i);
            double j = z.advance();
            if (fresh) lastWatts[i] = j / secs;
            rails.add(new Rail(z.name, lastWatts[i]));
            if (z.inTotal) {
                total += lastWatts[i];
                energy += z.joules;
            }
        }
        if (fresh) lastNanos = now;
        return new PowerReading(rails, total, energy);
    }
}
