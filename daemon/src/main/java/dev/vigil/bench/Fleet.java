package dev.vigil.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * What a device on a fleet talks to, for the pipeline bench: an MQTT broker with a subscriber on every topic ({@code #},
 * QoS 1, so the broker does the work a Home Assistant would make it do) and a webhook receiver. Either is the user's
 * (an anonymous {@code mqtt://} broker, an {@code http(s)://} URL) or started here: Mosquitto on 127.0.0.1 and a small
 * HTTP sink that answers 204.
 */
public final class Fleet implements AutoCloseable {

    public static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private URI mqtt;
    private URI webhook;
    private Process broker;
    private Path brokerDir;
    private HttpServer sink;
    private MqttClient subscriber;
    private final AtomicLong messages = new AtomicLong(), posts = new AtomicLong();

    private Fleet() {}

    /**
     * @param mqtt    a broker that takes anonymous clients, or null: one started here when {@code own}, else no MQTT
     * @param webhook a receiver, or null: one started here when {@code own}, else no webhook
     */
    public static Fleet start(URI mqtt, URI webhook, boolean own) throws Exception {
        if (mqtt != null && !"mqtt".equals(mqtt.getScheme()))
            throw new IllegalArgumentException("--mqtt " + mqtt + ": give mqtt://host[:port] of a broker that takes anonymous clients");
        if (webhook != null && !(("http".equals(webhook.getScheme()) || "https".equals(webhook.getScheme())) && webhook.getHost() != null))
            throw new IllegalArgumentException("--webhook " + webhook + ": give an http:// or https:// URL");
        Fleet f = new Fleet();
        try {
            f.mqtt = mqtt != null ? mqtt : own ? f.startBroker() : null;
            f.webhook = webhook != null ? webhook : own ? f.startSink() : null;
            if (f.mqtt != null) f.subscribe();
            return f;
        } catch (Exception e) {
            f.close();
            throw e;
        }
    }

    private URI startBroker() throws IOException, InterruptedException {
        if (!Files.isExecutable(MOSQUITTO))
            throw new IllegalStateException(MOSQUITTO + " is not there: install mosquitto, or give a broker with --mqtt mqtt://host:port");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        brokerDir = Files.createTempDirectory("vigil-bench-mosquitto");
        Path conf = brokerDir.resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(brokerDir.resolve("mosquitto.log").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until && broker.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return URI.create("mqtt://127.0.0.1:" + port);
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not start on 127.0.0.1:" + port + ": " + Files.readString(brokerDir.resolve("mosquitto.log")).strip());
    }

    private URI startSink() throws IOException {
        sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/hook", x -> {
            try (InputStream in = x.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            posts.incrementAndGet();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        sink.start();
        return URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/hook");
    }

    private void subscribe() throws MqttException {
        int port = mqtt.getPort() > 0 ? mqtt.getPort() : 1883;
        subscriber = new MqttClient("tcp://" + mqtt.getHost() + ":" + port, "vigil-bench-subscriber-" + ProcessHandle.current().pid(),
                new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(true);
        subscriber.connect(o);
        subscriber.subscribe(new MqttSubscription[] {new MqttSubscription("#", 1)}, new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                (topic, message) -> messages.incrementAndGet()});
    }

    /** The config sections that make the daemon publish here: appended to the bench's config. */
    public String config() {
        StringBuilder y = new StringBuilder();
        if (mqtt != null) y.append("mqtt: { url: \"").append(mqtt).append("\", device: bench, status_interval_s: 5 }\n");
        if (webhook != null) y.append("webhooks:\n  - { url: \"").append(webhook).append("\", events: [new, update, end] }\n");
        return y.toString();
    }

    public boolean mqtt() { return mqtt != null; }

    public boolean webhook() { return webhook != null; }

    /** Messages the subscriber on {@code #} got so far. */
    public long messages() { return messages.get(); }

    /** POSTs the sink started here took so far (0 for a webhook of the user's). */
    public long posts() { return posts.get(); }

    @Override
    public void close() {
        try {
            if (subscriber != null) {
                if (subscriber.isConnected()) subscriber.disconnect();
                subscriber.close();
            }
        } catch (MqttException e) {
            // the broker goes next anyway
        }
        if (sink != null) sink.stop(0);
        if (broker != null) {
            broker.destroy();
            try {
                if (!broker.waitFor(5, TimeUnit.SECONDS)) broker.destroyForcibly();
            } catch (InterruptedException e) {
                broker.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (brokerDir != null) {
            try (var st = Files.walk(brokerDir)) {
                st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind
            }
        }
    }
}
