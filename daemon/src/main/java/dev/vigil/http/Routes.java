package dev.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.daemon.Vigil;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The read-only routes behind the gate: metrics, health, the JSON API, snapshots, the live view and the page's files.
 * Nothing from a request reaches the file system: camera names are looked up among the configured cameras, event ids
 * go through the event store's own name checks, and the page's files are a fixed set read from the jar at start.
 */
final class Routes {

    static final int MAX_STREAMS = 4, DEFAULT_EVENTS = 50, MAX_EVENTS = 500;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String BOUNDARY = "vigil-frame";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The status page and its login form: name in the URL to resource and content type. */
    static final Map<String, String[]> PAGE = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/login", new String[] {"web/login.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/common.js", new String[] {"web/common.js", "text/javascript; charset=utf-8"},
            "/review", new String[] {"web/review.html", "text/html; charset=utf-8"},
            "/review.js", new String[] {"web/review.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"});

    private final Vigil vigil;
    private final Metrics metrics;
    private final LiveView live;
    private final Map<String, byte[]> page;
    private final SampleRoutes samples;
    private final LearnRoutes learn;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private volatile boolean closing;

    Routes(Vigil vigil) {
        this.vigil = vigil;
        this.metrics = vigil.metrics();
        this.live = vigil.live();
        this.samples = new SampleRoutes(vigil);
        this.learn = new LearnRoutes(vigil);
        var p = new java.util.HashMap<String, byte[]>();
        for (var e : PAGE.entrySet()) p.put(e.getKey(), resource(e.getValue()[0]));
        this.page = Map.copyOf(p);
    }

    byte[] page(String path) { return page.get(path); }

    /** The dataset's routes: its reads are served here, its commands by the gate once it let them through. */
    SampleRoutes samples() { return samples; }

    /** The review page's learn: its status is served here, its command by the gate. */
    LearnRoutes learn() { return learn; }

    /** Live views end at their next frame. */
    void close() { closing = true; }

    void route(Exchange ex) throws IOException {
        String path = ex.path();
        if (page.containsKey(path)) {
            ex.header("Cache-Control", "no-cache").send(200, PAGE.get(path)[1], page.get(path));
            return;
        }
        switch (path) {
            case "/metrics" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
                metrics.scrape(out);
                ex.send(200, Metrics.CONTENT_TYPE, out.toByteArray());
                return;
            }
            case "/healthz" -> {
                ex.text(200, "ok\n");
                return;
            }
            case "/readyz" -> {
                String why = vigil.health().problem();
                if (why == null) ex.text(200, "ready\n");
                else ex.text(503, "not ready: " + why + "\n");
                return;
            }
            case "/api/status" -> {
                ex.json(200, StatusJson.of(vigil));
                return;
            }
            case "/api/events" -> {
                events(ex);
                return;
            }
            default -> {
                if (path.startsWith("/api/samples") && samples.read(ex)) return;
                if (learn.read(ex)) return;
            }
        }
        String[] seg = path.split("/", -1);
        // /api/events/{id}/snapshot.jpg and /api/cameras/{name}/latest.jpg|stream.mjpeg: exactly five segments,
        // the middle one a plain name (no dots leading, no separators, no escapes).
        if (seg.length == 5 && seg[0].isEmpty() && seg[1].equals("api") && SEGMENT.matcher(seg[3]).matches()) {
            if (seg[2].equals("events") && seg[4].equals("snapshot.jpg")) {
                snapshot(ex, seg[3]);
                return;
            }
            if (seg[2].equals("cameras") && live.has(seg[3])) {
                if (seg[4].equals("latest.jpg")) {
                    latest(ex, seg[3]);
                    return;
                }
                if (seg[4].equals("stream.mjpeg")) {
                    stream(ex, seg[3]);
                    return;
                }
            }
        }
        ex.text(404, "not found: " + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + "\n");
    }

    private void events(Exchange ex) throws IOException {
        int limit = DEFAULT_EVENTS;
        String q = ex.query();
        if (q != null) {
            for (String kv : q.split("&")) {
                if (!kv.startsWith("limit=")) continue;
                try {
                    limit = Integer.parseInt(kv.substring(6));
                } catch (NumberFormatException e) {
                    ex.text(400, "limit: \"" + kv.substring(6, Math.min(kv.length(), 40)) + "\" is not a whole number 1.." + MAX_EVENTS + "\n");
                    return;
                }
                if (limit < 1 || limit > MAX_EVENTS) {
                    ex.text(400, "limit: " + limit + " is not within 1.." + MAX_EVENTS + "\n");
                    return;
                }
            }
        }
        EventStore store = vigil.events();
        ArrayNode arr = JSON.createArrayNode();
        if (store != null) {
            for (Event e : store.recent(limit)) {
                ObjectNode n = (ObjectNode) JSON.readTree(e.toJson());
                if (e.snapshot() != null) n.put("snapshot_url", "/api/events/" + e.id() + "/snapshot.jpg");
                arr.add(n);
            }
        }
        ex.json(200, arr);
    }

    private void snapshot(Exchange ex, String id) throws IOException {
        EventStore store = vigil.events();
        Optional<Path> file = store == null ? Optional.empty() : store.snapshot(id);
        if (file.isEmpty()) {
            ex.text(404, "no snapshot for event " + id + "\n");
            return;
        }
        byte[] jpeg;
        try {
            jpeg = Files.readAllBytes(file.get());
        } catch (java.nio.file.NoSuchFileException e) {
            ex.text(404, "snapshot of event " + id + " was removed by retention\n");
            return;
        }
        ex.header("Cache-Control", "max-age=86400, immutable").send(200, "image/jpeg", jpeg);
    }

    private void latest(Exchange ex, String camera) {
        live.watch(camera);
        LiveView.Picture p = live.latest(camera);
        if (p == null) {
            ex.header("Retry-After", "1").text(503, "camera " + camera + ": no frame yet\n");
            return;
        }
        ex.header("Cache-Control", "no-store").send(200, "image/jpeg", p.jpeg());
    }

    /**
     * The live view: one long response on this request's thread, a few frames a second. A client that stops reading
     * makes a write fail after the connector's idle timeout, which ends the loop and frees the slot.
     */
    private void stream(Exchange ex, String camera) throws IOException {
        if (!streams.tryAcquire()) {
            ex.header("Retry-After", "5").text(503, "too many live views open (" + MAX_STREAMS + "); close one or use latest.jpg\n");
            return;
        }
        try {
            ex.response.setStatus(200);
            ex.header("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY).header("Cache-Control", "no-store");
            if (ex.head()) {
                ex.response.write(true, ByteBuffer.allocate(0), ex.callback);
                return;
            }
            long period = (long) (1e9 / StatusServer.STREAM_FPS);
            long sent = 0;
            while (!closing) {
                live.watch(camera);
                long t0 = System.nanoTime();
                LiveView.Picture p = live.latest(camera);
                if (p != null && p.version() != sent) {
                    byte[] head = ("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + p.jpeg().length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer part = ByteBuffer.allocate(head.length + p.jpeg().length + 2).put(head).put(p.jpeg()).put((byte) '\r').put((byte) '\n').flip();
                    ex.writeAndWait(part);
                    sent = p.version();
                }
                long left = period - (System.nanoTime() - t0);
                if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
            }
            ex.response.write(true, ByteBuffer.allocate(0), ex.callback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("live view interrupted", e);
        } finally {
            streams.release();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Routes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar; rebuild it");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from the jar: " + e.getMessage());
        }
    }
}
