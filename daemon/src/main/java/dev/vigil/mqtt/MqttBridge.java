package dev.vigil.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alarm.AlarmStatus;
import dev.vigil.alarm.AlarmTransition;
import dev.vigil.config.CameraConfig;
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
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
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
    static final int WINDOW = 16;

    /** What the bridge reads and commands: the running daemon's parts. {@code events}, {@code outputs} may be null. */
    public record Parts(DecisionStage decisions, Health health, EventStore events, Supplier<JsonNode> status,
                        Commands.Outputs outputs, Commands.Snapshots snapshots) {}

    final MqttConfig cfg;
    final VigilConfig vigil;
    final Topics topics;
    final Parts parts;
    final TimeSource time;
    final ScheduledExecutorService worker;
    private final MqttLink link;
    private final Outbox outbox;
    private final Visits visits;
    private final Cursor cursor;
    private final Discovery discovery;
    private final Commands commands;
    private final Map<String, byte[]> retained = new LinkedHashMap<>(); // worker only: the latest of each state topic
    private final Map<String, String> cameraStates = new LinkedHashMap<>();
    private final Map<String, Integer> visitsToday = new LinkedHashMap<>();
    private java.time.LocalDate day;
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
        this.visits = new Visits(cfg.quiet().toNanos());
        this.cursor = new Cursor(parts.events() == null ? null : parts.events().dir());
        this.discovery = new Discovery(vigil, cfg, topics, parts.events() == null ? null : parts.events().dir());
        this.commands = new Commands(this);
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
            b.initialState();
        });
        b.worker.scheduleAtFixedRate(() -> b.guard(b::publishStatus), cfg.statusInterval().toNanos(), cfg.statusInterval().toNanos(), TimeUnit.NANOSECONDS);
        b.worker.scheduleAtFixedRate(() -> b.guard(b::pollCameras), 1, 1, TimeUnit.SECONDS);
        b.link.start();
        log.info("mqtt: publishing to {} under {}", cfg.url(), cfg.topicPrefix());
        return b;
    }

    // ---- inputs, on other threads: each only enqueues ----

    /** The event record wrote an event (its line and snapshot are on disk). */
    void recorded(Event e) {
        long nanos = time.nanoTime();
        run(() -> onRecorded(e, nanos, false));
    }

    @Override
    public void alarmChanged(AlarmTransition t) {
        run(() -> {
            state(topics.alarm(t.camera()), Payloads.text(t.to().name()));
            state(topics.armed(t.camera()), Payloads.text(t.to() == dev.vigil.alarm.AlarmState.DISARMED ? "OFF" : "ON"));
        });
    }

    @Override
    public void qcVerdict(QcResult r) {
        run(() -> {
            enqueue(topics.qc(r.camera()), Payloads.verdict(r), null);
            QcStation s = parts.decisions().qc().get(r.camera());
            if (s != null) state(topics.qcCounts(r.camera()), Payloads.qcCounts(s.counts()));
        });
    }

    @Override
    public String name() { return "mqtt"; }

    @Override
    public boolean wants(FrameOutcome o) { return o instanceof FrameResult; }

    /** The group counts may be a tenth of a second late: no wake-up per frame. */
    @Override
    public Duration maxDelay() { return Duration.ofMillis(100); }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        if (!(o instanceof FrameResult r)) return;
        CameraConfig c = vigil.cameras().get(r.camera());
        if (c == null) return;
        Map<String, Integer> counts = GroupMatch.counts(c.rules(), r.candidates());
        long nanos = time.nanoTime();
        run(() -> {
            for (var e : counts.entrySet()) {
                Visits.Change ch = visits.frame(r.camera(), e.getKey(), e.getValue(), r.frameTime(), nanos);
                if (ch != null) groupState(ch.visit(), true);
            }
        });
    }

    // ---- on the worker ----

    private void onRecorded(Event e, long nanos, boolean replayed) {
        Visits.Change ch = replayed ? null : visits.recorded(e, nanos);
        Visits.Visit v = ch != null ? ch.visit() : visits.open(e.camera(), e.group());
        if (replayed) {
            Visits single = new Visits(0);
            v = single.recorded(e, nanos).visit();
            enqueue(topics.events(), Payloads.visit("new", v, e, true), e.id());
            v.end = e.time();
            enqueue(topics.events(), Payloads.visit("end", v, e, true), null);
            return;
        }
        boolean isNew = ch != null && ch.kind() == Visits.Kind.NEW;
        if (isNew) {
            java.time.LocalDate d = java.time.LocalDate.ofInstant(e.time(), java.time.ZoneId.systemDefault());
            if (!d.equals(day)) visitsToday.clear();
            day = d;
            visitsToday.merge(e.camera(), 1, Integer::sum);
        }
        enqueue(topics.events(), Payloads.visit(isNew ? "new" : "update", v, e, false), e.id());
        groupState(v, true);
        if (v.best == e && e.snapshot() != null) snapshot(e);
        scheduleExpiry();
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

    private void scheduleExpiry() {
        long deadline = visits.nextDeadline();
        if (deadline < 0) return;
        worker.schedule(() -> guard(this::expire), Math.max(0, deadline - time.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void expire() {
        for (Visits.Change ch : visits.expire(time.nanoTime())) endVisit(ch.visit());
        scheduleExpiry();
    }

    private void endVisit(Visits.Visit v) {
        enqueue(topics.events(), Payloads.visit("end", v, v.best, false), null);
        groupState(v, false);
    }

    private void groupState(Visits.Visit v, boolean on) {
        state(topics.group(v.camera, v.group), Payloads.group(on, v.count, on ? v.start : v.end));
    }

    private void initialState() {
        for (AlarmStatus a : parts.decisions().alarms().status()) state(topics.alarm(a.camera()), Payloads.text(a.state().name()));
        for (CameraConfig c : vigil.enabledCameras()) {
            for (String g : c.rules().groups().keySet()) {
                if (visits.open(c.name(), g) == null) state(topics.group(c.name(), g), Payloads.group(false, 0, time.clock().instant()));
            }
            state(topics.armed(c.name()), Payloads.text(parts.decisions().alarmState(c.name()) == dev.vigil.alarm.AlarmState.DISARMED ? "OFF" : "ON"));
            state(topics.detect(c.name()), Payloads.text(parts.decisions().detecting(c.name()) ? "ON" : "OFF"));
        }
        for (var q : parts.decisions().qc().entrySet()) state(topics.qcCounts(q.getKey()), Payloads.qcCounts(q.getValue().counts()));
        pollCameras();
    }

    private void pollCameras() {
        for (Health.CameraView c : parts.health().cameras()) {
            boolean up = c.health() == Health.CameraHealth.FLOWING || c.health() == Health.CameraHealth.STARTING
                    || c.health() == Health.CameraHealth.ENDED;
            String h = c.health().name().toLowerCase(java.util.Locale.ROOT);
            String key = up + h + c.reason();
            if (key.equals(cameraStates.put(c.camera(), key))) continue;
            state(topics.cameraState(c.camera()), Payloads.cameraState(up, h, c.reason()));
        }
    }

    private void publishStatus() {
        JsonNode full = parts.status() == null ? null : parts.status().get();
        if (full == null) return;
        java.time.LocalDate today = java.time.LocalDate.now(time.clock().withZone(java.time.ZoneId.systemDefault()));
        if (!today.equals(day)) visitsToday.clear();
        day = today;
        state(topics.status(), Payloads.status(full, visitsToday));
    }

    /** The journal's events after the delivered cursor, within the backlog's age and count, sent again at start. */
    private void replayJournal() {
        EventStore store = parts.events();
        if (store == null) return;
        List<Event> newest = store.recent(cfg.backlogCount());
        String after = cursor.read();
        if (after == null) { // first start with MQTT: history is not news
            if (!newest.isEmpty()) cursor.write(newest.getFirst().id());
            return;
        }
        java.time.Instant oldest = time.clock().instant().minus(cfg.backlogAge());
        int n = 0;
        for (int i = newest.size() - 1; i >= 0; i--) {
            Event e = newest.get(i);
            if (e.id().compareTo(after) <= 0 || e.time().isBefore(oldest)) continue;
            onRecorded(e, time.nanoTime(), true);
            n++;
        }
        if (n > 0) log.info("mqtt: {} event(s) recorded while the broker was away or vigil stopped are sent again", n);
    }

    /** Retained state: the latest of each topic, sent now if connected and again on every connection. */
    void state(String topic, byte[] payload) {
        retained.put(topic, payload);
        if (connected) link.publish(topic, payload, cfg.qos(), true, (ok, why) -> {});
    }

    /** Events and verdicts: into the outbox, in order; sent when the broker is there. */
    void enqueue(String topic, byte[] payload, String journalId) {
        outbox.add(new Outbox.Item(topic, payload, journalId, time.nanoTime()));
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
        long conn = connection;
        for (Outbox.Item i : outbox.toSend(conn)) {
            boolean handed = link.publish(i.topic, i.payload, cfg.qos(), false, (ok, why) -> run(() -> acked(i, ok, conn)));
            if (!handed) {
                outbox.done(i, false);
                return;
            }
        }
    }

    private void acked(Outbox.Item i, boolean ok, long conn) {
        if (!ok && conn != connection) return; // a failure of an older connection: already marked for resending
        String last = null;
        for (Outbox.Item gone : outbox.done(i, ok)) if (gone.journalId != null) last = gone.journalId;
        if (last != null) cursor.write(last);
        counters();
        if (ok) pump();
    }

    private void onConnected() {
        connection++;
        connected = true;
        commands.subscribe(link);
        if (cfg.discovery().enabled()) link.subscribe(cfg.discovery().prefix() + "/status");
        if (cfg.discovery().enabled()) discovery.publish(this::raw);
        publishStatus();
        for (var e : retained.entrySet()) link.publish(e.getKey(), e.getValue(), cfg.qos(), true, (ok, why) -> {});
        link.publish(topics.available(), Payloads.text("online"), 1, true, (ok, why) -> {});
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
                for (var e : retained.entrySet()) link.publish(e.getKey(), e.getValue(), cfg.qos(), true, (ok, why) -> {});
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

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("vigil.mqtt.connected", this, b -> b.connected ? 1 : 0).strongReference(true)
                .description("1 while connected to the MQTT broker").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.published", link.published, AtomicLong::get)
                .description("MQTT messages the broker took (QoS 1: acknowledged)").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.failed", link.failed, AtomicLong::get)
                .description("MQTT messages that failed (sent again when they were events or verdicts)").register(r);
        Gauge.builder("vigil.mqtt.messages.queued", queued, AtomicInteger::get).strongReference(true)
                .description("Events and verdicts waiting for the broker").register(r);
        FunctionCounter.builder("vigil.mqtt.messages.dropped", dropped, AtomicLong::get)
                .description("Events and verdicts dropped from the backlog (too many or too old)").register(r);
        FunctionCounter.builder("vigil.mqtt.reconnects", link.reconnects, AtomicLong::get)
                .description("Connections to the MQTT broker after the first").register(r);
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
            for (Visits.Change ch : visits.endAll()) endVisit(ch.visit());
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
