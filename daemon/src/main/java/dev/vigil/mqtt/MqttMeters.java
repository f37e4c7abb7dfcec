package dev.vigil.mqtt;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** The MQTT output's meters (Prometheus: {@code vigil_mqtt_connected}, {@code vigil_mqtt_messages_published_total}, ...). */
final class MqttMeters {

    private MqttMeters() {}

    static void bind(MeterRegistry r, BooleanSupplier connected, AtomicLong published, AtomicLong failed, AtomicInteger queued,
                     AtomicLong dropped, AtomicLong reconnects) {
        Gauge.builder("vigil.mqtt.connected", connected, c -> c.getAsBoolean() ? 1 : 0).strongReference(true)
                .description("1 while connected to the MQTT broker").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.published", published, AtomicLong::get)
                .description("MQTT messages the broker took (QoS 1: acknowledged)").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.failed", failed, AtomicLong::get)
                .description("MQTT messages that failed (events and verdicts are sent again)").register(r);
        Gauge.builder("vigil.mqtt.messages.queued", queued, AtomicInteger::get).strongReference(true)
                .description("Events and verdicts waiting for the broker").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.dropped", dropped, AtomicLong::get)
                .description("Events and verdicts dropped from the backlog (too many or too old)").register(r);
        FunctionCounter.builder("vigil.mqtt.reconnects", reconnects, AtomicLong::get)
                .description("Connections to the MQTT broker after the first").register(r);
    }
}
