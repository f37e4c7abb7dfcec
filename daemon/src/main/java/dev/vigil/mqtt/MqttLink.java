package dev.vigil.mqtt;

import dev.vigil.config.MqttConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to the broker (Eclipse Paho, MQTT 5): connects with the last will {@code offline} (retained) on the
 * availability topic, reconnects by itself (1 s, doubling to 10 s), and publishes without ever blocking the caller.
 * Paho keeps only what is in flight, in memory: what must survive an absent broker is the {@link Outbox}'s job.
 */
final class MqttLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttLink.class);

    /** What the link tells its owner, on Paho's threads: the owner only enqueues. */
    interface Listener {
        /** Connected (again): subscriptions and the retained state are to be sent. */
        void connected(boolean reconnect);

        void lost(String why);

        void message(String topic, byte[] payload);
    }

    private final MqttConfig cfg;
    private final MqttAsyncClient client;
    private final Listener listener;
    final AtomicLong published = new AtomicLong(), failed = new AtomicLong(), reconnects = new AtomicLong();
    private volatile boolean connected, everConnected, closed;
    private volatile String lastProblem;

    MqttLink(MqttConfig cfg, String availabilityTopic, Listener listener) {
        this.cfg = cfg;
        this.listener = listener;
        try {
            client = new MqttAsyncClient(cfg.brokerUri(), cfg.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("mqtt.url: " + cfg.url() + " cannot be used: " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
                connected = false;
                String why = r.getException() != null ? why(r.getException()) : r.getReasonString();
                if (!closed) {
                    log.warn("mqtt: connection to {} lost ({}); reconnecting, events wait in the backlog", cfg.url(), why);
                    listener.lost(String.valueOf(why));
                }
            }

            @Override
            public void mqttErrorOccurred(MqttException e) { log.debug("mqtt: {}", e.toString()); }

            @Override
            public void messageArrived(String topic, MqttMessage m) { listener.message(topic, m.getPayload()); }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {
                connected = true;
                if (reconnect || everConnected) reconnects.incrementAndGet();
                everConnected = true;
                lastProblem = null;
                log.info("mqtt: connected to {} as {}", cfg.url(), cfg.clientId());
                listener.connected(reconnect);
            }

            @Override
            public void authPacketArrived(int reason, MqttProperties p) {}
        });
        this.options = options(cfg, availabilityTopic);
    }

    private final MqttConnectionOptions options;

    private static MqttConnectionOptions options(MqttConfig cfg, String availability) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 10);
        o.setCleanStart(true);
        o.setKeepAliveInterval((int) cfg.keepalive().toSeconds());
        o.setConnectionTimeout(10);
        cfg.username().ifPresent(o::setUserName);
        cfg.password().ifPresent(p -> o.setPassword(p.getBytes(StandardCharsets.UTF_8)));
        MqttMessage will = new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, true, null);
        o.setWill(availability, will);
        if (cfg.tls()) {
            o.setSocketFactory(Tls.socketFactory(cfg));
            o.setHttpsHostnameVerificationEnabled(true); // server verification on: a certificate for another name is refused
        }
        return o;
    }

    /** Starts connecting; returns at once. A broker that is not there yet is retried in the background. */
    void start() {
        connectOnce();
    }

    private void connectOnce() {
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken t) {}

                @Override
                public void onFailure(IMqttToken t, Throwable e) {
                    if (closed) return;
                    String why = why(e);
                    if (!why.equals(lastProblem)) log.warn("mqtt: cannot connect to {}: {}; retrying", cfg.url(), why);
                    lastProblem = why;
                    // Paho reconnects by itself only after a first success: retry the first connection here.
                    if (!everConnected) retryLater();
                }
            });
        } catch (MqttException e) {
            log.warn("mqtt: cannot connect to {}: {}", cfg.url(), e.getMessage());
            retryLater();
        }
    }

    private void retryLater() {
        Thread.ofPlatform().name("vigil-mqtt-connect").daemon(true).start(() -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed && !connected) connectOnce();
        });
    }

    boolean connected() { return connected; }

    /** Paho wraps TLS and socket errors ("Untranslated MqttException"): the innermost cause says what went wrong. */
    static String why(Throwable e) {
        if (e == null) return "unknown";
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + ": " + m;
    }

    void subscribe(String filter) {
        try {
            client.subscribe(filter, 1);
        } catch (MqttException e) {
            log.warn("mqtt: subscribing to {} failed: {}", filter, e.getMessage());
        }
    }

    /**
     * Sends without waiting; {@code done} is told (on Paho's thread) whether the broker took it (QoS 1: PUBACK; QoS 0:
     * written). Returns false when it could not even be handed to the client (not connected).
     */
    boolean publish(String topic, byte[] payload, int qos, boolean retained, BiConsumer<Boolean, String> done) {
        if (!connected) return false;
        try {
            client.publish(topic, payload, qos, retained, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken t) {
                    published.incrementAndGet();
                    done.accept(true, null);
                }

                @Override
                public void onFailure(IMqttToken t, Throwable e) {
                    failed.incrementAndGet();
                    done.accept(false, e == null ? "failed" : e.getMessage());
                }
            });
            return true;
        } catch (MqttException e) {
            failed.incrementAndGet();
            return false;
        }
    }

    /** Disconnects cleanly (no last will) after at most {@code waitMs} for what is in flight. */
    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) client.disconnect(2000).waitForCompletion(3000);
        } catch (MqttException e) {
            log.debug("mqtt: disconnect: {}", e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("mqtt: close: {}", e.toString());
        }
    }
}
