package dev.vigil.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code webhooks:} list; {@link WebhookConfig} checks the values. */
final class WebhookReader {

    static final List<String> KEYS = List.of("url", "events", "headers", "timeout_ms", "snapshot");

    private WebhookReader() {}

    static List<WebhookConfig> read(ConfigNode n) {
        List<WebhookConfig> out = new ArrayList<>();
        for (ConfigNode w : n.list("webhooks, e.g. [{url: \"https://hooks.lan/vigil\", events: [new, end]}]")) {
            w.mapping("webhook settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
            var url = w.get("url").make(() -> WebhookConfig.uri(w.get("url").requiredText("where to POST, e.g. https://hooks.lan/vigil").strip()));
            ConfigNode ev = w.get("events");
            Set<WebhookConfig.Kind> events = EnumSet.noneOf(WebhookConfig.Kind.class);
            if (ev.missing()) {
                ev.keep(WebhookConfig.DEFAULT_EVENTS);
                WebhookConfig.DEFAULT_EVENTS.forEach(k -> events.add(WebhookConfig.Kind.valueOf(k.toUpperCase(Locale.ROOT))));
            } else {
                for (ConfigNode k : ev.list("event kinds (" + String.join(", ", WebhookConfig.Kind.words()) + ")"))
                    events.add(WebhookConfig.Kind.valueOf(k.oneOf(null, WebhookConfig.Kind.words()).toUpperCase(Locale.ROOT)));
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (var h : w.get("headers").entries("headers, e.g. {Authorization: \"Bearer ${HOOK_TOKEN}\"}").entrySet()) {
                // A credential is held secret however it is written; other values only where ${VAR} put a secret in.
                String v = WebhookConfig.credential(h.getKey()) ? h.getValue().secret().orElse("") : h.getValue().requiredText("the header's value");
                headers.put(h.getKey(), v);
            }
            Duration timeout = w.get("timeout_ms").millis(5000);
            boolean snapshot = w.get("snapshot").bool(false);
            out.add(w.make(() -> new WebhookConfig(url, events, headers, timeout, snapshot)));
        }
        return List.copyOf(out);
    }
}
