package dev.vigil.eval;

import dev.vigil.config.PowerConfig;
import dev.vigil.power.PowerMonitor;
import dev.vigil.power.PowerSensors;
import java.util.Optional;

/**
 * Energy over an evaluation: the power sensor the daemon would choose (or its CPU-use estimate, named as such),
 * sampled every {@code interval} on a thread of its own so the integral follows the load. RAPL counts joules itself.
 */
public final class EnergyMeter implements AutoCloseable {

    private final PowerMonitor monitor;
    private final long intervalMillis;
    private Thread sampler;
    private volatile boolean running;
    private double startJoules;

    private EnergyMeter(PowerMonitor monitor, long intervalMillis) {
        this.monitor = monitor;
        this.intervalMillis = intervalMillis;
    }

    /** The machine's sensor as {@code power.source: auto} finds it; empty when the config turns power off. */
    public static Optional<EnergyMeter> open(PowerConfig config) {
        return PowerSensors.choose(config, PowerSensors.Machine.real())
                .map(s -> new EnergyMeter(new PowerMonitor(s, System::nanoTime), 200));
    }

    public String source() { return monitor.sensor().source(); }

    void start() {
        monitor.sample();
        startJoules = monitor.energyJoules();
        running = true;
        sampler = Thread.ofPlatform().name("eval-power").daemon().start(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) monitor.sample();
            }
        });
    }

    EvalRun.Energy stop(int inferences) {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double j = monitor.sample();
        double used = monitor.energyJoules() - startJoules;
        return new EvalRun.Energy(source(), Double.isNaN(j) || inferences == 0 ? Double.NaN : used / inferences);
    }

    @Override
    public void close() { monitor.close(); }
}
