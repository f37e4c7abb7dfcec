package dev.vigil.metrics;

import dev.vigil.pipeline.ModelId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** {@code vigil.model.info{model,sha256,delegate,kind}} = 1: the loaded model. */
public record ModelMeters(ModelId model, String kind) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("vigil.model.info", () -> 1).description("The loaded model: name, sha256 of the file, delegate")
                .tags("model", model.name(), "sha256", model.sha256(), "delegate", model.delegate(), "kind", kind).register(r);
    }
}
