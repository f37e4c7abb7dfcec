package dev.vigil.mqtt;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A real MQTT client in a test (user watcher): records what arrives, waits for conditions. */
final class Watcher implements AutoCloseable {

    record Msg(String topic, byte[] payload, boolean retained) {
        String text() { return new String(payload, UTF_8); }
    }

    private final MqttAsyncClient client;
    private final List<Msg> messages = new ArrayList<>();

    /** @param persistent a session the broker keeps (and queues QoS 1 messages for) while this client is away */
    Watcher(Mosquitto broker, String id, boolean persistent, String... filters) throws MqttException {
        this(broker, "watcher", Mosquitto.WATCHER_PASSWORD, id, persistent, filters);
    }

    Watcher(Mosquitto broker, String user, String password, String id, boolean persistent, String... filters) throws MqttException {
        client = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port, id, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(password.getBytes(UTF_8));
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 2);
        o.setCleanStart(!persistent);
        if (persistent) o.setSessionExpiryInterval(600L);
        client.setCallback(new MqttCallback() {
            @Override public void disconnected(MqttDisconnectResponse r) {}
            @Override public void mqttErrorOccurred(MqttException e) {}
            @Override public void messageArrived(String topic, MqttMessage m) {
                synchronized (messages) {
                    messages.add(new Msg(topic, m.getPayload(), m.isRetained()));
                    messages.notifyAll();
                }
            }
            @Override public void deliveryComplete(IMqttToken t) {}
            @Override public void connectComplete(boolean reconnect, String uri) {}
            @Override public void authPacketArrived(int reason, MqttProperties p) {}
        });
        client.connect(o).waitForCompletion(10_000);
        MqttSubscription[] subs = new MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) subs[i] = new MqttSubscription(filters[i], 1);
        if (filters.length > 0) client.subscribe(subs).waitForCompletion(10_000);
    }

    List<Msg> all() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    List<Msg> on(String topic) {
        return all().stream().filter(m -> m.topic().equals(topic)).toList();
    }

    /** Waits until some message satisfies {@code p}; returns it or fails naming what came. */
    Msg await(Predicate<Msg> p, Duration timeout, String what) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (Msg m : messages) if (p.test(m)) return m;
                long left = until - System.nanoTime();
                if (left <= 0) throw new AssertionError("no " + what + " within " + timeout + "; got " + summary());
                messages.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    Msg await(String topic, String payload, Duration timeout) throws InterruptedException {
        return await(m -> m.topic().equals(topic) && m.text().equals(payload), timeout, topic + " = " + payload);
    }

    /** Waits until {@code p} holds for the messages so far. */
    void awaitAll(Predicate<List<Msg>> p, Duration timeout, String what) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (!p.test(messages)) {
                long left = until - System.nanoTime();
                if (left <= 0) throw new AssertionError("not " + what + " within " + timeout + "; got " + summary());
                messages.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(UTF_8), 1, false).waitForCompletion(10_000);
    }

    private String summary() {
        StringBuilder b = new StringBuilder();
        for (Msg m : messages) {
            String t = m.payload().length > 0 && m.payload()[0] == (byte) 0xFF ? "<jpeg " + m.payload().length + ">" : m.text();
            b.append("\n  ").append(m.topic()).append(" = ").append(t.length() > 200 ? t.substring(0, 200) + "..." : t);
        }
        return b.toString();
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) client.disconnect().waitForCompletion(5000);
        } finally {
            client.close(true);
        }
    }
}
