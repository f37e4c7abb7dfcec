package dev.vigil.config;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads the {@code mqtt:} section; {@link MqttConfig} checks the values. */
final class MqttReader {

    static final List<String> KEYS = List.of("url", "device", "client_id", "username", "password", "ca", "cert", "key",
            "topic_prefix", "qos", "keepalive_s", "status_interval_s", "quiet_s", "discovery", "backlog");

    private MqttReader() {}

    static Optional<MqttConfig> read(ConfigNode n) {
        if (n.missing()) return Optional.empty();
        n.mapping("MQTT settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
        URI url = n.get("url").make(() -> MqttConfig.uri(n.get("url").requiredText("the broker, e.g. mqtts://broker.local:8883").strip()));
        String device = n.get("device").text(hostName()).strip();
        String clientId = n.get("client_id").text("vigil-" + device).strip();
        Optional<String> user = Optional.ofNullable(n.get("username").text(null));
        Optional<String> password = n.get("password").secret();
        Optional<Path> ca = Optional.ofNullable(n.get("ca").path(null));
        Optional<Path> cert = Optional.ofNullable(n.get("cert").path(null));
        Optional<Path> key = Optional.ofNullable(n.get("key").path(null));
        String prefix = n.get("topic_prefix").text("vigil/" + device).strip();
        int qos = n.get("qos").integer(1);
        Duration keepalive = n.get("keepalive_s").seconds(30);
        Duration status = n.get("status_interval_s").seconds(30);
        Duration quiet = n.get("quiet_s").seconds(10);
        ConfigNode d = n.get("discovery");
        if (!d.missing()) d.mapping("Home Assistant discovery settings (enabled, prefix)").allowOnly(List.of("enabled", "prefix"));
        boolean enabled = d.get("enabled").bool(true);
        String dprefix = d.get("prefix").text("homeassistant").strip();
        ConfigNode b = n.get("backlog");
        if (!b.missing()) b.mapping("limits of what waits for the broker (max_count, max_age)").allowOnly(List.of("max_count", "max_age"));
        int count = b.get("max_count").integer(10_000);
        Duration age = b.get("max_age").age(Duration.ofDays(1));
        for (Path p : new Path[] {ca.orElse(null), cert.orElse(null), key.orElse(null)}) {
            if (p != null && !java.nio.file.Files.isReadable(p)) {
                String k = p.equals(ca.orElse(null)) ? "ca" : p.equals(cert.orElse(null)) ? "cert" : "key";
                throw n.get(k).fail(p + " cannot be read; give a PEM file vigil can read");
            }
        }
        return Optional.of(n.make(() -> new MqttConfig(url, device, clientId, user, password, ca, cert, key, prefix, qos,
                keepalive, status, quiet, d.make(() -> new MqttConfig.Discovery(enabled, dprefix)), count, age)));
    }

    /** The host name as a device name: lowercase, anything outside [a-z0-9_-] as '-'. */
    static String hostName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            h = System.getenv().getOrDefault("HOSTNAME", "vigil");
        }
        String s = h.toLowerCase(Locale.ROOT).replaceAll("\\..*$", "").replaceAll("[^a-z0-9_-]", "-");
        return s.isEmpty() ? "vigil" : s;
    }
}
