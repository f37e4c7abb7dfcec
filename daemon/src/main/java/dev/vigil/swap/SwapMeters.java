package dev.vigil.swap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The hot swap's meters: {@code vigil.model.info} of the live model (name, sha256, size_bytes, delegate, kind),
 * {@code vigil.model.deploys{result}} and {@code vigil.model.rollbacks}. Called under the swap's lock.
 */
final class SwapMeters {

    private final MeterRegistry registry;
    private final Counter rollbacks, switched, refused;
    private Meter info;

    SwapMeters(MeterRegistry r) {
        registry = r;
        rollbacks = Counter.builder("vigil.model.rollbacks").description("Returns to the previous model after a switch").register(r);
        switched = Counter.builder("vigil.model.deploys").tag("result", "switched").description("Model deploys by result").register(r);
        refused = Counter.builder("vigil.model.deploys").tag("result", "refused").description("Model deploys by result").register(r);
    }

    MeterRegistry registry() { return registry; }

    void rollback() { rollbacks.increment(); }

    void deployed(DeployResult d) {
        if (d.switched()) switched.increment();
        else if (!d.shadowing()) refused.increment();
    }

    /**
     * Only the live model: a Prometheus {@code _info} metric is 1 by definition, so the previous one in probation is in
     * {@code /api/status}, not here.
     */
    void live(LoadedModel m) {
        if (info != null) registry.remove(info);
        info = Gauge.builder("vigil.model.info", () -> 1).description("The live model: name, sha256 of the file, its size, delegate, kind")
                .tags("name", m.id().name(), "sha256", m.id().sha256(), "size_bytes", Long.toString(m.sizeBytes()),
                        "delegate", m.id().delegate(), "kind", m.kind().word())
                .register(registry);
    }
}
