package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.WebhookConfig.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The webhooks: list: defaults, errors naming the key, credentials in headers never printed. */
class WebhookConfigTest {

    static VigilConfig parse(String webhooks, Map<String, String> env) {
        return MqttConfigTest.parse(webhooks, env);
    }

    static String error(String webhooks) {
        return assertThrows(ConfigException.class, () -> parse(webhooks, Map.of())).getMessage();
    }

    @Test
    void withoutAWebhooksSectionThereAreNone() {
        assertEquals(List.of(), parse("", Map.of()).webhooks());
    }

    @Test
    void defaults() {
        WebhookConfig w = parse("webhooks: [ { url: \"https://hooks.lan:8443/vigil/abc\" } ]", Map.of()).webhooks().getFirst();
        assertEquals(Set.of(Kind.NEW, Kind.END, Kind.QC), w.events());
        assertEquals(Map.of(), w.headers());
        assertEquals(Duration.ofSeconds(5), w.timeout());
        assertFalse(w.snapshot());
        assertEquals("https://hooks.lan:8443", w.where(), "no path in logs and tags: it may hold a key");
    }

    @Test
    void aCredentialHeaderIsHeldSecretWrittenOutOrFromTheEnvironment() {
        VigilConfig c = parse("""
                webhooks:
                  - { url: "http://hooks.lan/a", headers: { Authorization: "Bearer ${HOOK_TOKEN}", X-Site: hall } }
                  - { url: "http://hooks.lan/b", headers: { X-Api-Key: written-out-key-123 }, events: [qc], timeout_ms: 250, snapshot: true }
                """, Map.of("HOOK_TOKEN", "tok-5up3r-s3cret"));
        assertEquals("Bearer tok-5up3r-s3cret", c.webhooks().get(0).headers().get("Authorization"));
        assertEquals("hall", c.webhooks().get(0).headers().get("X-Site"));
        WebhookConfig b = c.webhooks().get(1);
        assertEquals(Set.of(Kind.QC), b.events());
        assertEquals(Duration.ofMillis(250), b.timeout());
        assertTrue(b.snapshot());
        String printed = ConfigLoader.toYaml(c);
        assertFalse(printed.contains("tok-5up3r-s3cret"), printed);
        assertFalse(printed.contains("written-out-key-123"), printed);
        assertTrue(printed.contains("hall"), "a plain header is shown: " + printed);
        assertEquals("***", Secrets.redact("written-out-key-123"));
    }

    @Test
    void errorsNameTheKeyAndTheFix() {
        assertEquals("webhooks[0].url: must be http://host[:port]/path or https://host[:port]/path", error("webhooks: [ { url: \"ftp://x/y\" } ]"));
        assertEquals("webhooks[0].url: missing; give where to POST, e.g. https://hooks.lan/vigil", error("webhooks: [ { events: [new] } ]"));
        assertTrue(error("webhooks: [ { url: \"https://u:p@x/y\" } ]").startsWith("webhooks[0].url: holds credentials; send them in a header"));
        assertEquals("webhooks[1].events[1]: \"start\" is not one of new, update, end, qc",
                error("webhooks: [ { url: \"http://a/\" }, { url: \"http://b/\", events: [new, start] } ]"));
        assertTrue(error("webhooks: [ { url: \"http://a/\", events: [] } ]").startsWith("webhooks[0].events: is empty"));
        assertEquals("webhooks[0].timeout_ms: must be within 100..60000", error("webhooks: [ { url: \"http://a/\", timeout_ms: 5 } ]"));
        assertEquals("webhooks[0].headers.Host: is set by vigil; leave it out", error("webhooks: [ { url: \"http://a/\", headers: { Host: b } } ]"));
        assertTrue(error("webhooks: [ { url: \"http://a/\", method: PUT } ]").startsWith("webhooks[0].method: unknown key; expected one of url, events"));
        assertTrue(error("webhooks: { url: \"http://a/\" }").startsWith("webhooks: expected a list of webhooks"));
    }
}
