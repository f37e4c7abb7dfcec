package dev.vigil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.events.Event;
import dev.vigil.testing.VirtualTime;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against small HTTP servers in the test: one that fails twice and then accepts gets every message once, in
 * order, retried after exactly 1 s and 2 s more (virtual time); one that hangs holds up neither the caller nor the
 * other webhook.
 */
class WebhooksTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A webhook: answers each request with {@code status(n)} (n counts from 1) and keeps what it was sent. */
    static final class Hook implements AutoCloseable {
        final HttpServer server;
        final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> answers = Collections.synchronizedList(new ArrayList<>());
        final List<String> auth = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        Hook(IntUnaryOperator status, boolean hang) throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/hook", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                auth.add(ex.getRequestHeaders().getFirst("Authorization"));
                int n = requests.incrementAndGet();
                if (hang) {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int code = status.applyAsInt(n);
                bodies.add(body);
                answers.add(code);
                ex.sendResponseHeaders(code, -1);
                ex.close();
            });
            server.start();
        }

        String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"; }

        /** The bodies the webhook took (answered 2xx), as JSON. */
        List<JsonNode> accepted() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            synchronized (bodies) {
                for (int i = 0; i < bodies.size(); i++) if (answers.get(i) / 100 == 2) out.add(JSON.readTree(bodies.get(i)));
            }
            return out;
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    static VigilConfig config(String webhooks) {
        return ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                cameras:
                  door: { source: { device: /dev/video0 }, groups: { person: { labels: [person] } } }
                webhooks:
                %s""".formatted(webhooks), Path.of("/etc/vigil"), Map.of("HOOK_TOKEN", "hook-t0ken-abc"));
    }

    static Event event(String id, TimeSource t, double score) {
        return new Event(id, t.clock().instant(), "door", "person", "person", score, new double[] {0, 0, 1, 1}, "f", null);
    }

    @Test
    void aWebhookThatFailsTwiceGetsEveryMessageOnceInOrderRetriedAfterOneAndTwoSeconds() throws Exception {
        Hook hook = new Hook(n -> n <= 2 ? 503 : 200, false);
        open.add(hook);
        VirtualTime vt = new VirtualTime();
        VigilConfig cfg = config("  - { url: \"" + hook.url() + "\", events: [new, update, end], headers: { Authorization: \"Bearer ${HOOK_TOKEN}\" } }\n");
        Webhooks w = Webhooks.start(cfg, null, vt);
        open.add(w);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        w.bindTo(meters);
        ch.qos.logback.classic.Logger deliveryLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Delivery.class);
        var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        logged.start();
        deliveryLog.addAppender(logged);
        open.add(() -> deliveryLog.detachAppender(logged));

        w.recorded(event("e1", vt, 0.6));
        vt.runDue();
        assertEquals(1, hook.requests.get(), "the first attempt at once");
        vt.advance(Duration.ofMillis(500));
        w.recorded(event("e2", vt, 0.9)); // the same visit, a better score: an update, queued behind the new
        vt.runDue();
        assertEquals(1, hook.requests.get(), "the update waits behind the failed new");
        vt.advance(Duration.ofMillis(499));
        assertEquals(1, hook.requests.get());
        vt.advance(Duration.ofMillis(1));
        assertEquals(2, hook.requests.get(), "the second attempt exactly 1 s after the first");
        vt.advance(Duration.ofMillis(1999));
        assertEquals(2, hook.requests.get());
        vt.advance(Duration.ofMillis(1));
        assertEquals(4, hook.requests.get(), "the third attempt 2 s after the second, then the update at once");
        assertEquals(0, w.queued());
        List<String> lines = logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        String where = "http://127.0.0.1:" + hook.server.getAddress().getPort();
        assertEquals(List.of("WARN webhook " + where + ": answered 503; trying again with growing pauses (up to 60 s), in order",
                "INFO webhook " + where + ": delivering again after 2 failed attempt(s)"), lines, "one line when the outage starts, one when it ends");

        vt.advance(Duration.ofMillis(9999 - 2500)); // the visit's quiet time (10 s) runs from e2's sighting at 0.5 s
        assertEquals(4, hook.requests.get());
        vt.advance(Duration.ofMillis(1));
        assertEquals(5, hook.requests.get(), "the end, quiet 10 s after the last sighting");

        List<JsonNode> got = hook.accepted();
        assertEquals(List.of("new", "update", "end"), got.stream().map(n -> n.get("type").asText()).toList());
        assertEquals(List.of("e1", "e2", "e2"), got.stream().map(n -> n.get("event_id").asText()).toList(), "each once, in order: " + got);
        assertEquals("e1", got.get(2).get("id").asText(), "one visit: " + got);
        assertEquals(0.9, got.get(2).get("best_score").asDouble());
        assertEquals(Collections.nCopies(5, "Bearer hook-t0ken-abc"), hook.auth);
        assertEquals(3, meters.get("vigil.webhook.delivered").tag("webhook", "http://127.0.0.1:" + hook.server.getAddress().getPort()).functionCounter().count());
        assertEquals(2, meters.get("vigil.webhook.failed").functionCounter().count());
        assertEquals(0, meters.get("vigil.webhook.dropped").functionCounter().count());
    }

    @Test
    void aHangingWebhookHoldsUpNeitherTheCallerNorAnotherWebhook() throws Exception {
        Hook hung = new Hook(n -> 200, true), fine = new Hook(n -> 200, false);
        open.add(hung);
        open.add(fine);
        VigilConfig cfg = config("  - { url: \"" + hung.url() + "\", events: [new, update, end], timeout_ms: 300 }\n"
                + "  - { url: \"" + fine.url() + "\", events: [new, update, end] }\n");
        TimeSource time = TimeSource.system();
        Webhooks w = Webhooks.start(cfg, null, time);
        open.add(w);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        w.bindTo(meters);
        long t0 = System.nanoTime();
        for (int i = 1; i <= 20; i++) w.recorded(event("e" + i, time, 0.5 + i / 100.0));
        double handing = (System.nanoTime() - t0) / 1e6;
        assertTrue(handing < 200, "20 events handed over in " + handing + " ms");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (fine.accepted().size() < 20 && System.nanoTime() < deadline) Thread.sleep(10);
        double took = (System.nanoTime() - t0) / 1e6;
        assertEquals(20, fine.accepted().size(), "the other webhook got every message");
        assertTrue(took < 3000, "while the hung one held its first: " + took + " ms");
        assertEquals(0, hung.accepted().size());
        deadline = System.nanoTime() + 10_000_000_000L;
        String tag = "http://127.0.0.1:" + hung.server.getAddress().getPort();
        while (meters.get("vigil.webhook.failed").tag("webhook", tag).functionCounter().count() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(meters.get("vigil.webhook.failed").tag("webhook", tag).functionCounter().count() >= 1, "the hung attempt timed out and counted");
        assertEquals(20, meters.get("vigil.webhook.queued").tag("webhook", tag).gauge().value(), "nothing lost: all wait for the hung webhook");
    }
}
