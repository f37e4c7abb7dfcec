package dev.vigil.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One webhook ({@code webhooks: [{url, events: [new, end, qc], headers: {..}, timeout_ms, snapshot}]}): vigil POSTs the
 * JSON of each event of the chosen kinds to {@code url}, in order, again with a growing pause while it fails.
 *
 * @param url      {@code http://} or {@code https://} (the server's certificate verified by the JVM's trust store); no
 *                 credentials in it: they go in a header
 * @param events   which messages: {@code new}, {@code update}, {@code end} (the visits of the MQTT {@code events} topic)
 *                 and {@code qc} (QC verdicts)
 * @param headers  sent with every request ({@code Authorization: "Bearer ${HOOK_TOKEN}"}); credential-like values are
 *                 held secret
 * @param timeout  how long one attempt may take, connecting included; past it the attempt failed
 * @param snapshot whether a visit's message carries the best event's JPEG (base64, {@code snapshot_jpeg})
 */
public record WebhookConfig(URI url, Set<Kind> events, Map<String, String> headers, Duration timeout, boolean snapshot) {

    /** What a webhook may be sent. */
    public enum Kind {
        NEW, UPDATE, END, QC;

        public String word() { return name().toLowerCase(Locale.ROOT); }

        public static List<String> words() { return java.util.Arrays.stream(values()).map(Kind::word).toList(); }
    }

    public static final List<String> DEFAULT_EVENTS = List.of("new", "end", "qc");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the JDK's client sets itself and refuses to take (and Content-Type, which is vigil's: JSON). */
    private static final Set<String> RESERVED = Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

    public WebhookConfig {
        String scheme = url == null ? null : url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null)
            throw ConfigException.at("url", "must be http://host[:port]/path or https://host[:port]/path");
        if (url.getRawUserInfo() != null) throw ConfigException.at("url", "holds credentials; send them in a header (headers: {Authorization: \"Bearer ${HOOK_TOKEN}\"})");
        if (events == null || events.isEmpty()) throw ConfigException.at("events", "is empty; give some of " + String.join(", ", Kind.words()) + " or leave the key out");
        events = Set.copyOf(events);
        for (var h : headers.entrySet()) {
            if (!TOKEN.matcher(h.getKey()).matches()) throw ConfigException.at("headers", "\"" + h.getKey() + "\" is not a header name");
            if (RESERVED.contains(h.getKey().toLowerCase(Locale.ROOT))) throw ConfigException.at("headers." + h.getKey(), "is set by vigil; leave it out");
            if (h.getValue().contains("\n") || h.getValue().contains("\r")) throw ConfigException.at("headers." + h.getKey(), "holds a line break");
        }
        headers = Map.copyOf(headers);
        if (timeout == null || timeout.toMillis() < 100 || timeout.toMillis() > 60_000) throw ConfigException.at("timeout_ms", "must be within 100..60000");
    }

    /** {@code scheme://host[:port]}: for logs and the metrics' tag (a path or query may hold a secret, e.g. a chat hook's key). */
    public String where() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    @Override
    public String toString() { return "webhook " + where(); }

    /** A header whose value is a credential by its name: held secret even when written out. */
    static boolean credential(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.equals("authorization") || h.equals("cookie") || h.contains("token") || h.contains("key") || h.contains("secret")
                || h.contains("signature") || h.contains("auth");
    }

    static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw ConfigException.at("url", "\"" + Redaction.redact(s) + "\" is not a URL (" + e.getReason() + ")");
        }
    }
}
