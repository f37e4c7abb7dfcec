package dev.vigil.metrics;

import dev.vigil.power.PowerMonitor;
import dev.vigil.power.PowerReading;
import dev.vigil.power.Rail;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Power: {@code vigil.power} (rail, source) in watts, {@code vigil.energy} (source) in joules, and
 * {@code vigil.inference.energy}: the joules of each sampling interval over the inferences in it.
 */
final class PowerMeters implements MeterBinder {

    /** Joules per inference: a Coral on a Pi (a few mJ) up to a slow CPU model on a big board. */
    static final double[] ENERGY_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};

    private final PowerMonitor power;
    private final LongSupplier inferences;
    private DistributionSummary energyPerInference;
    private long lastInferences;

    PowerMeters(PowerMonitor power, LongSupplier inferences) {
        this.power = power;
        this.inferences = inferences;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String source = power.sensor().source();
        power.sample(); // the first reading names the rails
        PowerReading first = power.latest();
        List<Rail> rails = first == null ? List.of() : first.rails();
        for (int i = 0; i < rails.size(); i++) {
            final int k = i;
            final String name = rails.get(i).name();
            Gauge.builder("vigil.power", power, p -> railWatts(p, k, name)).baseUnit("watts")
                    .description(source.equals("estimate") ? "Estimated draw (no sensor: from CPU use and the configured idle/busy watts)"
                            : "Power draw of a rail")
                    .tags("rail", name, "source", source).register(registry);
        }
        FunctionCounter.builder("vigil.energy", power, PowerMonitor::energyJoules).baseUnit("joules")
                .description("Energy used since start" + (source.equals("estimate") ? " (estimated)" : ""))
                .tag("source", source).register(registry);
        energyPerInference = DistributionSummary.builder("vigil.inference.energy").baseUnit("joules")
                .description("Energy of each sampling interval over the inferences in it")
                .serviceLevelObjectives(ENERGY_BUCKETS).tag("source", source).register(registry);
        lastInferences = inferences.getAsLong();
    }

    /** One sampling interval: reads the sensor and spreads its energy over the inferences since the last. */
    void sample() {
        double joules = power.sample();
        long n = inferences.getAsLong();
        long dn = n - lastInferences;
        lastInferences = n;
        if (!Double.isNaN(joules) && dn > 0) energyPerInference.record(joules / dn);
    }

    private static double railWatts(PowerMonitor p, int index, String name) {
        PowerReading r = p.latest();
        if (r == null || index >= r.rails().size() || !r.rails().get(index).name().equals(name)) return Double.NaN;
        return r.rails().get(index).watts();
    }
}
