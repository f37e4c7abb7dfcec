package dev.vigil.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Secrets;
import dev.vigil.config.WebhookConfig;
import dev.vigil.events.EventStore;
import dev.vigil.time.TimeSource;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook: its messages in a bounded queue, sent one at a time in order on its own thread. A failed attempt (no
 * answer within timeout_ms, or not a 2xx) is tried again after {@link #FIRST_RETRY}, doubling up to
 * {@link #MAX_RETRY}, and nothing behind it goes first; a full queue drops its oldest message (counted). One log line
 * when the webhook starts failing and one when it takes messages again, however long the outage.
 */
final class Delivery {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration FIRST_RETRY = Duration.ofSeconds(1), MAX_RETRY = Duration.ofMinutes(1);
    static final int MAX_QUEUED = 1000;

    /** A message to send: its JSON and, when the webhook wants snapshots, the event whose JPEG goes with it. */
    record Item(byte[] json, String snapshotOf) {}

    final WebhookConfig cfg;
    private final HttpClient client;
    private final EventStore events;
    private final ScheduledExecutorService thread;
    private final ArrayDeque<Item> queue = new ArrayDeque<>(); // guarded by itself
    final AtomicLong delivered = new AtomicLong(), failed = new AtomicLong(), dropped = new AtomicLong();
    // on the delivery thread only:
    private boolean waiting;  // a retry is scheduled: new messages wait behind the one that failed
    private int failures;     // attempts failed in a row
    private volatile String outage; // why the last attempt failed, null while delivering (read by close)

    Delivery(WebhookConfig cfg, HttpClient client, EventStore events, TimeSource time, String name) {
        this.cfg = cfg;
        this.client = client;
        this.events = events;
        this.thread = time.scheduler(Thread.ofPlatform().name(name).daemon(true).factory());
    }

    /** From the feed's thread: never waits. */
    void offer(Item item) {
        synchronized (queue) {
            if (queue.size() >= MAX_QUEUED) {
                queue.removeFirst();
                dropped.incrementAndGet();
            }
            queue.addLast(item);
        }
        execute(() -> attempt(false));
    }

    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void attempt(boolean retry) {
        if (waiting && !retry) return;
        waiting = false;
        Item head;
        synchronized (queue) {
            head = queue.peekFirst();
        }
        if (head == null) return;
        String why = send(head);
        if (why == null) {
            synchronized (queue) {
                if (queue.peekFirst() == head) queue.removeFirst();
            }
            delivered.incrementAndGet();
            if (outage != null) log.info("webhook {}: delivering again after {} failed attempt(s)", cfg.where(), failures);
            outage = null;
            failures = 0;
            execute(() -> attempt(false));
            return;
        }
        failed.incrementAndGet();
        failures++;
        if (outage == null) log.warn("webhook {}: {}; trying again with growing pauses (up to {} s), in order", cfg.where(), why, MAX_RETRY.toSeconds());
        outage = why;
        waiting = true;
        long pause = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures - 1, 20));
        try {
            thread.schedule(() -> attempt(true), pause, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: what is left stays undelivered
        }
    }

    /** One POST; null when the webhook took it (2xx), else why not. */
    private String send(Item item) {
        HttpRequest.Builder b = HttpRequest.newBuilder(cfg.url()).timeout(cfg.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "vigil")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(item)));
        cfg.headers().forEach(b::header);
        try {
            HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? null : "answered " + r.statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            return "no answer within " + cfg.timeout().toMillis() + " ms";
        } catch (IOException e) {
            return Secrets.redact(String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The JSON, with the snapshot as base64 in {@code snapshot_jpeg} when asked for and still on disk. */
    private byte[] body(Item item) {
        if (item.snapshotOf() == null || events == null) return item.json();
        try {
            var file = events.snapshot(item.snapshotOf());
            if (file.isEmpty()) return item.json();
            ObjectNode o = (ObjectNode) JSON.readTree(item.json());
            o.put("snapshot_jpeg", Base64.getEncoder().encodeToString(Files.readAllBytes(file.get())));
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            return item.json(); // removed by retention meanwhile: the message goes without it
        }
    }

    private void execute(Runnable r) {
        try {
            thread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("webhook {}: {}", cfg.where(), e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down
        }
    }

    /** Gives what is queued up to {@code grace} to go, then stops. */
    void close(Duration grace) {
        long until = System.nanoTime() + grace.toNanos();
        while (queued() > 0 && outage == null && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        thread.shutdownNow();
        client.shutdownNow();
        if (queued() > 0) log.info("webhook {}: {} message(s) not delivered at shutdown", cfg.where(), queued());
    }
}
