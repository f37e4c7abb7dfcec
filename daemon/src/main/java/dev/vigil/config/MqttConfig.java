package dev.vigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT output ({@code mqtt: {url, client_id, username, password, ca, cert, key, topic_prefix, qos, keepalive_s,
 * status_interval_s, quiet_s, discovery: {enabled, prefix}, backlog: {max_count, max_age}}}). Without an {@code mqtt:}
 * section vigil speaks no MQTT at all.
 *
 * @param url            {@code mqtt://host[:1883]}, {@code mqtts://host[:8883]} (TLS, the server's certificate and name
 *                       verified), {@code ws://host:port/path} or {@code wss://...}
 * @param device         the device's name in topics and in Home Assistant (default: the host name)
 * @param password       from {@code ${MQTT_PASSWORD}}; never printed
 * @param ca             PEM CA certificate(s) the server's certificate must chain to (default: the JVM's trust store)
 * @param cert           PEM client certificate, with {@code key} (PKCS#8 PEM), for brokers that want one
 * @param topicPrefix    every topic starts with it, default {@code vigil/<device>}
 * @param qos            0 or 1: events, verdicts and retained state are sent with it
 * @param quiet          a group's visit (and its ON state) ends after this long without the group matching
 * @param backlogCount   events and verdicts kept for a broker that is away, oldest dropped (and counted) first
 * @param backlogAge     and none older than this
 */
public record MqttConfig(URI url, String device, String clientId, Optional<String> username, Optional<String> password,
                         Optional<Path> ca, Optional<Path> cert, Optional<Path> key, String topicPrefix, int qos,
                         Duration keepalive, Duration statusInterval, Duration quiet, Discovery discovery,
                         int backlogCount, Duration backlogAge) {

    /** Home Assistant's MQTT discovery: on by default, under {@code homeassistant/}. */
    public record Discovery(boolean enabled, String prefix) {
        public Discovery {
            topic("prefix", prefix);
        }
    }

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public MqttConfig {
        String scheme = url == null ? null : url.getScheme();
        if (scheme == null || !(scheme.equals("mqtt") || scheme.equals("mqtts") || scheme.equals("ws") || scheme.equals("wss"))
                || url.getHost() == null) {
            throw ConfigException.at("url", "must be mqtt://host[:port], mqtts://host[:port], ws://host:port/path or wss://host:port/path");
        }
        if (url.getRawUserInfo() != null) throw ConfigException.at("url", "holds credentials; give them as username and password (password: ${MQTT_PASSWORD})");
        Check.name("device", device, "a device", "it becomes part of topics and Home Assistant ids");
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches())
            throw ConfigException.at("client_id", "is 1..64 letters, digits, '_', '.' and '-'");
        if (password.isPresent() && username.isEmpty()) throw ConfigException.at("password", "is given without a username");
        if (cert.isPresent() != key.isPresent()) throw ConfigException.at(cert.isPresent() ? "key" : "cert", "missing; a client certificate needs both cert and key");
        if ((ca.isPresent() || cert.isPresent()) && !(scheme.equals("mqtts") || scheme.equals("wss"))) throw ConfigException.at(ca.isPresent() ? "ca" : "cert", "needs a TLS url (mqtts:// or wss://)");
        topic("topic_prefix", topicPrefix);
        Check.within("qos", qos, 0, 1);
        Check.within("keepalive_s", keepalive.toSeconds(), 5, 3600);
        Check.seconds("status_interval_s", statusInterval, 1);
        Check.seconds("quiet_s", quiet, 0.1);
        Check.atLeast("backlog.max_count", backlogCount, 1);
        if (backlogAge == null || !backlogAge.isPositive()) throw ConfigException.at("backlog.max_age", "must be above 0");
    }

    /** TLS: mqtts:// or wss://. */
    public boolean tls() { return url.getScheme().equals("mqtts") || url.getScheme().equals("wss"); }

    /** The URI Paho connects to: tcp:// and ssl:// with the default ports filled in; ws(s):// as given. */
    public String brokerUri() {
        String s = url.getScheme();
        if (s.startsWith("ws")) return url.toString();
        int port = url.getPort() > 0 ? url.getPort() : tls() ? 8883 : 1883;
        return (tls() ? "ssl://" : "tcp://") + hostPort(url.getHost(), port);
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URL as written, for logs (it holds no credentials: they are refused in it). */
    @Override
    public String toString() {
        return "mqtt " + url + " as " + clientId + username.map(u -> " (user " + u + ")").orElse("");
    }

    static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw ConfigException.at("url", "\"" + Redaction.redact(s) + "\" is not a URL (" + e.getReason() + ")");
        }
    }

    private static void topic(String key, String t) {
        if (t == null || t.isBlank() || t.startsWith("/") || t.endsWith("/") || t.contains("+") || t.contains("#")
                || t.contains("//")) {
            throw ConfigException.at(key, "\"" + t + "\" is not a topic prefix: no wildcards (+, #), no leading, trailing or double '/'");
        }
    }
}
