package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** A label that came from a {@code ${VAR}} (a model or source given by variable) is scraped masked. */
class SecretTagsTest {

    @Test
    void aSecretInATagValueIsMaskedBeforeItIsScraped() {
        Secrets.register("pa ss9Q");
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().meterFilter(Metrics.MASK_SECRETS);
        Counter.builder("vigil.test").tag("source", "rtsp://vigil:pa ss9Q@cam/s").tag("camera", "door").register(r).increment();
        assertEquals("rtsp://vigil:***@cam/s", r.get("vigil.test").counter().getId().getTag("source"));
        assertEquals("door", r.get("vigil.test").counter().getId().getTag("camera"));
        assertEquals(1, r.scrape().lines().filter(l -> l.startsWith("vigil_test_total{camera=\"door\",source=\"rtsp://vigil:***@cam/s\"} 1")).count(),
                r.scrape());
    }
}
