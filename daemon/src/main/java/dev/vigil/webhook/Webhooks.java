package dev.vigil.webhook;

import dev.vigil.config.VigilConfig;
import dev.vigil.config.WebhookConfig;
import dev.vigil.config.WebhookConfig.Kind;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.decision.DecisionListener;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.mqtt.Payloads;
import dev.vigil.mqtt.VisitFeed;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.qc.QcResult;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks: the same messages as MQTT's {@code <prefix>/events} (one per visit: new, update, end, from the same
 * {@link VisitFeed}) and {@code <prefix>/<camera>/qc} (verdicts), POSTed as JSON to each webhook that asked for their
 * kind. The event record, the decision stage and the result bus only hand a task to the {@code vigil-webhooks} thread;
 * each webhook then sends on a thread of its own ({@link Delivery}), so neither the frame path nor another webhook
 * waits for a slow one.
 *
 * <p>Why the JDK's {@link HttpClient}: it does HTTP/1.1 and 2 over TLS with the JVM's trust store, a per-request timeout
 * covering the whole exchange and a connect timeout, which is all a webhook needs; Jetty's client (the server is Jetty)
 * would be a second HTTP stack to keep up to date for nothing more.
 */
public final class Webhooks implements DecisionListener, FrameConsumer, MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    /** A visit ends this long after its group was last seen unless mqtt.quiet_s says otherwise (the same visits as MQTT's). */
    static final Duration DEFAULT_QUIET = Duration.ofSeconds(10);

    private volatile VigilConfig vigil;
    private final TimeSource time;
    private final EventStore events;
    private final ScheduledExecutorService worker;
    private final VisitFeed feed;
    /** Replaced whole by a config reload; read once per message. */
    private volatile List<Delivery> deliveries = List.of();
    private final Map<Delivery, List<Meter>> meters = new HashMap<>(); // guarded by this
    private MeterRegistry registry;                                      // guarded by this; null until bound
    private int named;                                                   // guarded by this: thread names
    private volatile boolean closed;

    private Webhooks(VigilConfig vigil, EventStore events, TimeSource time) {
        this.vigil = vigil;
        this.time = time;
        this.events = events;
        this.worker = time.scheduler(Thread.ofPlatform().name("vigil-webhooks").daemon(true).factory());
        Duration quiet = vigil.mqtt().map(m -> m.quiet()).orElse(DEFAULT_QUIET);
        this.feed = new VisitFeed(quiet, worker, time::nanoTime, this::visitMessage);
        deliveries = deliveriesFor(vigil.webhooks(), List.of());
    }

    /**
     * Starts the webhooks of {@code vigil}, also when it names none (a config reload may add some later; with none, no
     * frame is queued for them); {@code events} may be null (no snapshots then).
     */
    public static Webhooks start(VigilConfig vigil, EventStore events, TimeSource time) {
        Webhooks w = new Webhooks(vigil, events, time);
        if (events != null) events.addListener(w::recorded);
        if (!vigil.webhooks().isEmpty()) log.info("webhooks: {}", describe(vigil.webhooks()));
        return w;
    }

    private static List<String> describe(List<WebhookConfig> hooks) {
        return hooks.stream().map(c -> c.where() + " " + c.events().stream().map(Kind::word).sorted().toList()).toList();
    }

    /** A webhook whose config did not change keeps its queue and thread; the others start or stop. */
    private synchronized List<Delivery> deliveriesFor(List<WebhookConfig> wanted, List<Delivery> running) {
        List<Delivery> out = new ArrayList<>();
        List<Delivery> left = new ArrayList<>(running);
        for (WebhookConfig w : wanted) {
            Delivery kept = left.stream().filter(d -> d.cfg.equals(w)).findFirst().orElse(null);
            if (kept != null) {
                left.remove(kept);
                out.add(kept);
                continue;
            }
            // One client per webhook: its connect timeout is the webhook's, and a hung peer's connections stay its own.
            HttpClient client = HttpClient.newBuilder().connectTimeout(w.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
            Delivery d = new Delivery(w, client, events, time, "vigil-webhook-" + (++named));
            out.add(d);
            if (registry != null) meters.put(d, register(registry, d));
        }
        return List.copyOf(out);
    }

    /**
     * The webhooks of a reloaded config (the rest of it too: the cameras' groups keep visits open): unchanged ones go
     * on with their queues; a removed one gets up to 2 s, on a thread of its own, for what it has queued.
     */
    public void reconfigure(VigilConfig next) {
        List<Delivery> before = deliveries;
        List<Delivery> after = deliveriesFor(next.webhooks(), before);
        vigil = next;
        deliveries = after;
        List<Delivery> removed = before.stream().filter(d -> !after.contains(d)).toList();
        if (!after.equals(before)) log.info("webhooks: now {}", describe(next.webhooks()));
        if (removed.isEmpty()) return;
        synchronized (this) {
            for (Delivery d : removed) {
                List<Meter> ms = meters.remove(d);
                if (ms != null && registry != null) ms.forEach(registry::remove);
            }
        }
        Thread.ofPlatform().name("vigil-webhooks-removed").daemon(true).start(() -> removed.forEach(d -> d.close(Duration.ofSeconds(2))));
    }

    /** The webhooks now, in config order. */
    public List<WebhookConfig> configs() { return deliveries.stream().map(d -> d.cfg).toList(); }

    /** The event record wrote an event. */
    public void recorded(Event e) {
        long nanos = time.nanoTime() - Math.max(0, Duration.between(e.time(), time.clock().instant()).toNanos());
        run(() -> feed.recorded(e, nanos, false));
    }

    @Override
    public void qcVerdict(QcResult r) {
        byte[] json = Payloads.verdict(r);
        run(() -> offer(Kind.QC, json, null));
    }

    private void visitMessage(String type, byte[] json, String journalId, Event best) {
        offer(Kind.valueOf(type.toUpperCase(Locale.ROOT)), json, best == null || best.snapshot() == null ? null : best.id());
    }

    private void offer(Kind kind, byte[] json, String snapshotOf) {
        for (Delivery d : deliveries) {
            if (!d.cfg.events().contains(kind)) continue;
            d.offer(new Delivery.Item(json, d.cfg.snapshot() ? snapshotOf : null));
        }
    }

    @Override
    public String name() { return "webhooks"; }

    @Override
    public boolean wants(FrameOutcome o) { return o instanceof FrameResult && !deliveries.isEmpty(); }

    @Override
    public Duration maxDelay() { return Duration.ofMillis(100); }

    /** A frame's group counts keep a visit open (as MQTT's): on the bus's thread, only counted and handed over. */
    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        // The camera as the config now has it: a reload may have changed its groups.
        if (o instanceof FrameResult r) feed.offerFrame(vigil.cameras().get(r.camera()), r, this::run);
    }

    private void run(Runnable r) {
        if (closed) return;
        try {
            worker.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("webhooks: {}", e.toString(), e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closing
        }
    }

    /** Messages waiting, over every webhook. */
    public int queued() { return deliveries.stream().mapToInt(Delivery::queued).sum(); }

    /**
     * {@code vigil.webhook.delivered}, {@code .failed} (attempts), {@code .dropped} (queue full) and {@code .queued}, each
     * tagged with the webhook's {@code scheme://host:port} (its path may hold a secret).
     */
    @Override
    public synchronized void bindTo(MeterRegistry r) {
        registry = r;
        for (Delivery d : deliveries) meters.put(d, register(r, d));
    }

    private static List<Meter> register(MeterRegistry r, Delivery d) {
        String tag = d.cfg.where();
        return List.of(
                FunctionCounter.builder("vigil.webhook.delivered", d.delivered, java.util.concurrent.atomic.AtomicLong::get).tag("webhook", tag)
                        .description("Messages a webhook took (2xx)").register(r),
                FunctionCounter.builder("vigil.webhook.failed", d.failed, java.util.concurrent.atomic.AtomicLong::get).tag("webhook", tag)
                        .description("Attempts that failed (no answer in time or not 2xx); the message is tried again").register(r),
                FunctionCounter.builder("vigil.webhook.dropped", d.dropped, java.util.concurrent.atomic.AtomicLong::get).tag("webhook", tag)
                        .description("Messages dropped because the webhook's queue was full").register(r),
                Gauge.builder("vigil.webhook.queued", d, Delivery::queued).tag("webhook", tag).strongReference(true)
                        .description("Messages waiting for the webhook").register(r));
    }

    /** After the consumers drained: open visits end, and each webhook gets up to 3 s for what is queued. */
    @Override
    public void close() {
        if (closed) return;
        var done = new java.util.concurrent.CompletableFuture<Void>();
        run(() -> {
            feed.endAll();
            done.complete(null);
        });
        try {
            done.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort at shutdown
        }
        closed = true;
        worker.shutdownNow();
        for (Delivery d : deliveries) d.close(Duration.ofSeconds(3));
    }
}
