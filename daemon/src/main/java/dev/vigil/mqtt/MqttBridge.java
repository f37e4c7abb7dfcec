package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alarm.AlarmTransition;
import dev.vigil.config.MqttConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.consumer.FrameConsumer;
import dev.vigil.decision.DecisionListener;
import dev.vigil.decision.DecisionStage;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.health.Health;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.qc.QcResult;
import dev.vigil.qc.QcStation;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vigil on MQTT: availability, retained state, one event per visit, QC verdicts, Home Assistant discovery and remote
 * commands. Everything runs on its own thread ({@code vigil-mqtt}): the decision stage, the event record and the result
 * bus only hand it a task, so the frame path never waits for the network.
 *
 * <pre>
 * EventStore (recorded)  --\                       /-- Outbox (events, verdicts; in order, acknowledged) --\
 * DecisionStage (alarm, QC) -> vigil-mqtt thread --                                                        -> MqttLink (Paho)
 * ResultBus (frames: counts, visit ends) --/       \-- retained state (latest per topic) -------------------/
 * </pre>
 * Store and forward: what the broker has not acknowledged stays in the outbox (bounded by count and age, drops counted)
 * and goes again, in order, after a reconnect; across a restart the journal's events after the delivered cursor
 * ({@code mqtt-cursor} in the events directory) are sent again at start.
 */
public final class MqttBridge implements DecisionListener, FrameConsumer, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(MqttBridge.class);
    /** Events and verdicts in flight at once: well under the brokers' receive maximum (Mosquitto: 20). */
    static final int WINDOW = 8;
    /** A QoS 1 message the broker has not acknowledged after this long (or two keepalives) is sent again. */
    static final long ACK_TIMEOUT_S = 30;

    /** What the bridge reads and commands: the running daemon's parts. {@code events}, {@code control} may be null. */
    public record Parts(DecisionStage decisions, Health health, EventStore events, Supplier<JsonNode> status,
                        dev.vigil.control.Control control) {}

    final MqttConfig cfg;
    /** Replaced by a config reload (its mqtt section stays the one connected with): the groups a visit counts. */
    volatile VigilConfig vigil;
    final Topics topics;
    final Parts parts;
    final TimeSource time;
    final ScheduledExecutorService worker;
    private final MqttLink link;
    private final Outbox outbox;
    private final VisitFeed feed;
    private final Cursor cursor;
    private final QcCursor qcCursor;
    private final Discovery discovery;
    private final Commands commands;
    private final DeviceState device;
    private final Map<String, byte[]> retained = new LinkedHashMap<>(); // worker only: the latest of each state topic
    private final java.util.Set<String> unsent = new java.util.LinkedHashSet<>(); // worker only: retained topics to send again
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private long connection;
    private volatile boolean connected;
    private volatile boolean closed;

    private MqttBridge(VigilConfig vigil, MqttConfig cfg, Parts parts, TimeSource time) {
        this.vigil = vigil;
        this.cfg = cfg;
        this.parts = parts;
        this.time = time;
        this.topics = new Topics(cfg.topicPrefix());
        this.worker = time.scheduler(Thread.ofPlatform().name("vigil-mqtt").daemon(true).factory());
        this.outbox = new Outbox(cfg.backlogCount(), cfg.backlogAge().toNanos(), WINDOW);
        this.feed = new VisitFeed(cfg.quiet(), worker, time::nanoTime,
                (type, json, journalId, best) -> enqueue(topics.events(), json, journalId), new VisitFeed.Hooks() {
                    @Override
                    public void started(Event e) { device.visitStarted(e); }

                    @Override
                    public void group(Visits.Visit v, boolean on) { groupState(v, on); }

                    @Override
                    public void best(Event e) { snapshot(e); }
                });
        this.cursor = new Cursor(parts.events() == null ? null : parts.events().dir());
        this.qcCursor = new QcCursor(parts.events() == null ? null : parts.events().dir());
        this.discovery = new Discovery(vigil, cfg, topics, parts.events() == null ? null : parts.events().dir());
        this.commands = new Commands(this);
        this.device = new DeviceState(this);
        this.link = new MqttLink(cfg, topics.available(), new MqttLink.Listener() {
            @Override
            public void connected(boolean reconnect) { run(MqttBridge.this::onConnected); }

            @Override
            public void lost(String why) { run(MqttBridge.this::onLost); }

            @Override
            public void message(String topic, byte[] payload) { run(() -> onMessage(topic, payload)); }
        });
    }

    /** Builds the bridge, queues the initial state and the journal's undelivered events, and starts connecting. */
    public static MqttBridge start(VigilConfig vigil, MqttConfig cfg, Parts parts, TimeSource time) {
        MqttBridge b = new MqttBridge(vigil, cfg, parts, time);
        if (parts.events() != null) parts.events().addListener(b::recorded);
        b.run(() -> {
            b.replayJournal();
            b.device.initial();
        });
        b.worker.scheduleAtFixedRate(() -> b.guard(b.device::status), cfg.statusInterval().toNanos(), cfg.statusInterval().toNanos(), TimeUnit.NANOSECONDS);
        b.worker.scheduleAtFixedRate(() -> b.guard(b.device::cameras), 1, 1, TimeUnit.SECONDS);
        b.worker.scheduleAtFixedRate(() -> b.guard(b::retry), 1, 1, TimeUnit.SECONDS);
        b.link.start();
        log.info("mqtt: publishing to {} under {}", cfg.url(), cfg.topicPrefix());
        return b;
    }

    // ---- inputs, on other threads: each only enqueues ----

    /** The event record wrote an event (its line and snapshot are on disk). */
    void recorded(Event e) {
        // The capture's time on this time source: a visit's quiet time runs from sightings, not from when the disk was done.
        long nanos = time.nanoTime() - Math.max(0, Duration.between(e.time(), time.clock().instant()).toNanos());
        run(() -> onRecorded(e, nanos, false));
    }

    @Override
    public void alarmChanged(AlarmTransition t) {
        run(() -> {
            state(topics.alarm(t.camera()), Payloads.text(t.to().name()));
            state(topics.armed(t.camera()), Payloads.text(t.to() == dev.vigil.alarm.AlarmState.DISARMED ? "OFF" : "ON"));
        });
    }

    /** The live model changed (a deploy, a rollback): {@code <prefix>/model}, retained. */
    public void modelChanged(dev.vigil.swap.ModelSwap.Change c) {
        run(() -> state(topics.model(), Payloads.modelChange(c)));
    }

    /** A dataset batch reached the storage (the upload's announcement): {@code <prefix>/dataset/uploaded}, queued like events. */
    public void datasetUploaded(byte[] json) {
        run(() -> enqueue(topics.datasetUploaded(), json, null));
    }

    @Override
    public void qcVerdict(QcResult r) {
        run(() -> {
            add(new Outbox.Item(topics.qc(r.camera()), Payloads.verdict(r), null, r.camera(), QcCursor.key(r), time.nanoTime()));
            QcStation s = parts.decisions().qc().get(r.camera());
            if (s != null) state(topics.qcCounts(r.camera()), Payloads.qcCounts(s.counts()));
        });
    }

    @Override
    public String name() { return "mqtt"; }

    /** A reloaded config: visits count its cameras' groups from the next frame on (the connection is not touched). */
    public void reconfigure(VigilConfig next) { vigil = next; }

    @Override
    public boolean wants(FrameOutcome o) { return o instanceof FrameResult; }

    /** The group counts may be a tenth of a second late: no wake-up per frame. */
    @Override
    public Duration maxDelay() { return Duration.ofMillis(100); }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        if (o instanceof FrameResult r) feed.offerFrame(vigil.cameras().get(r.camera()), r, this::run);
    }

    // ---- on the worker ----

    private void onRecorded(Event e, long nanos, boolean replayed) {
        feed.recorded(e, nanos, replayed);
    }

    private void snapshot(Event e) {
        byte[] jpeg = parts.events() == null ? null : parts.events().snapshot(e.id()).map(p -> {
            try {
                return java.nio.file.Files.readAllBytes(p);
            } catch (java.io.IOException x) {
                return null;
            }
        }).orElse(null);
        if (jpeg == null) return;
        state(topics.snapshot(e.camera(), e.group()), jpeg);
        state(topics.cameraSnapshot(e.camera()), jpeg);
    }

    Visits.Visit openVisit(String camera, String group) { return feed.open(camera, group); }

    private void groupState(Visits.Visit v, boolean on) {
        state(topics.group(v.camera, v.group), Payloads.group(on, v.count, on ? v.start : v.end));
    }

    /**
     * The journal's events after the delivered cursor, and each QC station's audited verdicts after its cursor, within
     * the backlog's age and count, sent again at start.
     */
    private void replayJournal() {
        if (parts.events() == null) return;
        List<Event> undelivered = cursor.undelivered(parts.events(), cfg.backlogCount(), time.clock().instant().minus(cfg.backlogAge()));
        for (Event e : undelivered) onRecorded(e, time.nanoTime(), true);
        if (!undelivered.isEmpty()) log.info("mqtt: {} event(s) recorded while the broker was away or vigil stopped are sent again", undelivered.size());
        for (var q : vigil.qc().entrySet()) {
            List<QcCursor.Replay> verdicts = qcCursor.undelivered(q.getKey(), q.getValue().audit(), cfg.backlogCount(),
                    time.clock().instant().minus(cfg.backlogAge()), time.clock().instant());
            for (QcCursor.Replay r : verdicts) add(new Outbox.Item(topics.qc(r.camera()), r.payload(), null, r.camera(), r.key(), time.nanoTime()));
            if (!verdicts.isEmpty()) log.info("mqtt: {} QC verdict(s) of {} not delivered before vigil stopped are sent again", verdicts.size(), q.getKey());
        }
    }

    /**
     * Retained state: the latest of each topic, sent now if connected and again on every connection. One the client
     * refused (too many in flight in a burst) is sent again with the next acknowledgement: only the latest counts.
     */
    void state(String topic, byte[] payload) {
        retained.put(topic, payload);
        sendState(topic);
    }

    private void sendState(String topic) {
        if (!connected) return;
        long conn = connection;
        byte[] payload = retained.get(topic);
        boolean handed = link.publish(topic, payload, cfg.qos(), true, (ok, why) -> {
            if (!ok) run(() -> { if (conn == connection) unsent.add(topic); });
        });
        if (!handed) unsent.add(topic);
    }

    /** Events and verdicts: into the outbox, in order; sent when the broker is there. */
    void enqueue(String topic, byte[] payload, String journalId) {
        add(new Outbox.Item(topic, payload, journalId, time.nanoTime()));
    }

    private void add(Outbox.Item item) {
        outbox.add(item);
        outbox.expire(time.nanoTime());
        counters();
        pump();
    }

    /** A command's answer (not kept for a later connection: it answers a message of this one). */
    void reply(String topic, byte[] payload) {
        if (connected) link.publish(topic, payload, cfg.qos(), false, (ok, why) -> {});
    }

    private void pump() {
        if (!connected) return;
        if (!unsent.isEmpty()) {
            List<String> again = List.copyOf(unsent);
            unsent.clear();
            again.forEach(this::sendState);
        }
        long conn = connection;
        outbox.send(conn, time.nanoTime(), i -> link.publish(i.topic, i.payload, cfg.qos(), false, (ok, why) -> run(() -> acked(i, ok, conn))));
    }

    /**
     * Once a second: what the client took on this connection but never answered for {@link #ACK_TIMEOUT_S} goes again,
     * and anything it refused (its in-flight limit was full) gets another try even when no acknowledgement comes.
     */
    private void retry() {
        if (!connected) return;
        long timeoutS = Math.max(ACK_TIMEOUT_S, 2 * cfg.keepalive().toSeconds());
        int again = outbox.overdue(connection, time.nanoTime(), TimeUnit.SECONDS.toNanos(timeoutS));
        if (again > 0) log.warn("mqtt: {} message(s) not acknowledged within {} s are sent again", again, timeoutS);
        pump();
    }

    private void acked(Outbox.Item i, boolean ok, long conn) {
        if (!ok && conn != connection) return; // a failure of an older connection: already marked for resending
        String last = null;
        Map<String, String> qcLast = new LinkedHashMap<>();
        for (Outbox.Item gone : outbox.done(i, ok)) {
            if (gone.journalId != null) last = gone.journalId;
            if (gone.qcKey != null) qcLast.put(gone.qcCamera, gone.qcKey);
        }
        if (last != null) cursor.write(last);
        if (!qcLast.isEmpty()) qcCursor.write(qcLast);
        counters();
        if (ok) pump();
    }

    private void onConnected() {
        connection++;
        connected = true;
        commands.subscribe(link);
        if (cfg.discovery().enabled()) link.subscribe(cfg.discovery().prefix() + "/status");
        if (cfg.discovery().enabled()) discovery.publish(this::raw);
        device.status();
        unsent.clear();
        retained.keySet().forEach(this::sendState);
        link.publish(topics.available(), Payloads.text("online"), 1, true, (ok, why) -> {});
        outbox.expire(time.nanoTime()); // what aged past backlog.max_age while the broker was away goes (counted), not out
        counters();
        pump();
    }

    private void onLost() {
        connected = false;
        outbox.connectionLost();
    }

    private void onMessage(String topic, byte[] payload) {
        if (cfg.discovery().enabled() && topic.equals(cfg.discovery().prefix() + "/status")) {
            if (new String(payload, java.nio.charset.StandardCharsets.UTF_8).strip().equals("online")) {
                discovery.publish(this::raw);
                retained.keySet().forEach(this::sendState);
            }
            return;
        }
        commands.handle(topic, payload);
    }

    /** A retained message outside the state map (discovery: re-sent on its own schedule). */
    private void raw(String topic, byte[] payload) {
        if (connected) link.publish(topic, payload, 1, true, (ok, why) -> {});
    }

    private void counters() {
        queued.set(outbox.size());
        dropped.set(outbox.dropped());
    }

    void run(Runnable r) {
        if (closed) return;
        try {
            worker.execute(() -> guard(r));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the last state was sent by close()
        }
    }

    private void guard(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("mqtt: {}", e.toString(), e);
        }
    }

    public boolean connected() { return connected; }

    /** The retained state of a topic as it will be sent; read on the worker (with virtual time: the test's thread). */
    byte[] retained(String topic) { return retained.get(topic); }

    /** Messages waiting for the broker. */
    public int queued() { return queued.get(); }

    /** {@code vigil.mqtt.connected}, {@code .messages.published/failed/queued/dropped}, {@code .reconnects}. */
    @Override
    public void bindTo(MeterRegistry r) {
        MqttMeters.bind(r, () -> connected, link.published, link.failed, queued, dropped, link.reconnects);
    }

    /**
     * After the consumers drained: open visits end, {@code stopped} (retained) replaces {@code online}, and what is in
     * the outbox gets up to 3 s to reach the broker before a clean disconnect (which sends no last will).
     */
    @Override
    public void close() {
        if (closed) return;
        var done = new java.util.concurrent.CompletableFuture<Void>();
        run(() -> {
            feed.endAll();
            done.complete(null);
        });
        await(done, 2000);
        long until = System.nanoTime() + 3_000_000_000L;
        while (connected && queued.get() > 0 && System.nanoTime() < until) sleep();
        var stopped = new java.util.concurrent.CompletableFuture<Boolean>();
        if (!connected || !link.publish(topics.available(), Payloads.text("stopped"), 1, true, (ok, why) -> stopped.complete(ok))) stopped.complete(false);
        await(stopped, 2000);
        closed = true;
        worker.shutdownNow();
        link.close();
        log.info("mqtt: disconnected ({} message(s) not delivered)", queued.get());
    }

    private static void await(java.util.concurrent.Future<?> f, long ms) {
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // best effort at shutdown
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
