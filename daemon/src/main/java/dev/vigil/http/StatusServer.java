package dev.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.HttpConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint: Prometheus metrics, health, the JSON API and the status page, on the JDK's own HttpServer (a
 * framework would bring nothing these few read-only routes need).
 *
 * <pre>
 * /metrics                              Prometheus text format
 * /healthz                              200 while the process runs
 * /readyz                               200 when the health model finds nothing wrong (model loaded, loop turning,
 *                                       every enabled camera delivering), else 503 with the reason
 * /api/status                           JSON: cameras and states, model, delegate, alarm states, power, uptime
 * /api/events?limit=N                   JSON: the newest events, newest first
 * /api/events/{id}/snapshot.jpg         an event's annotated snapshot
 * /api/cameras/{name}/latest.jpg        the camera's newest frame, annotated
 * /api/cameras/{name}/stream.mjpeg      the same as a live MJPEG stream (a few fps)
 * /                                     the status page
 * </pre>
 *
 * Nothing from a request reaches the file system: camera names are looked up among the configured cameras, event ids
 * go through the event store's own name checks, and the page's files are a fixed set read from the jar at start.
 * Requests run on a small bounded pool (a flood is refused, never queued without end), live streams are capped, and a
 * client that stops reading is cut off after a few seconds; the frame path never waits for any of it.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    static final int THREADS = 8, QUEUE = 64, MAX_STREAMS = 4, DEFAULT_EVENTS = 50, MAX_EVENTS = 500;
    public static final double STREAM_FPS = 5;
    private static final long WRITE_LIMIT_NANOS = Duration.ofSeconds(5).toNanos();
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String BOUNDARY = "vigil-frame";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The status page: name in the URL to resource and content type. */
    private static final Map<String, String[]> PAGE = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"web/style.css", "text/css; charset=utf-8"});

    static {
        // A client that sends its request headers slower than this is dropped (read once, when the server class loads).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty("sun.net.httpserver.maxReqTime", "10");
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final WriteWatchdog watchdog = new WriteWatchdog(WRITE_LIMIT_NANOS);
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final Vigil vigil;
    private final Metrics metrics;
    private final LiveView live;
    private final Map<String, byte[]> page = new LinkedHashMap<>();
    private volatile boolean closing;

    private StatusServer(HttpServer server, ThreadPoolExecutor pool, Vigil vigil) {
        this.server = server;
        this.pool = pool;
        this.vigil = vigil;
        this.metrics = vigil.metrics();
        this.live = vigil.live();
        for (var e : PAGE.entrySet()) page.put(e.getKey(), resource(e.getValue()[0]));
    }

    /**
     * Listens on {@code http.listen} and serves until closed.
     *
     * @throws IllegalArgumentException (one line naming the address and the fix) when the address cannot be bound
     */
    public static StatusServer start(HttpConfig http, Vigil vigil) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 64);
        } catch (BindException e) {
            throw new IllegalArgumentException("http.listen " + http.listen() + ": " + reason(e)
                    + "; stop what holds the port or choose another (http: {listen: \"127.0.0.1:8090\"})");
        } catch (IOException e) {
            throw new IllegalArgumentException("http.listen " + http.listen() + ": " + reason(e));
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> Thread.ofPlatform().name("vigil-http-" + n.incrementAndGet()).daemon(true).unstarted(r),
                new ThreadPoolExecutor.AbortPolicy()); // the server closes a connection it cannot hand over
        pool.allowCoreThreadTimeOut(true);
        StatusServer s = new StatusServer(server, pool, vigil);
        server.setExecutor(pool);
        server.createContext("/", s::handle);
        server.start();
        log.info("http: listening on {} (status page, /metrics, /healthz, /readyz, /api)", s.address());
        return s;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT).startsWith("address already in use")
                ? "address already in use" : m;
    }

    /** host:port actually bound (the port chosen when the config gave 0). */
    public String address() {
        InetSocketAddress a = server.getAddress();
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    public int port() { return server.getAddress().getPort(); }

    // ---- routing ----

    private void handle(HttpExchange ex) {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                text(ex, 405, "method not allowed: use GET\n");
                return;
            }
            route(ex);
        } catch (IOException e) {
            log.debug("http: {} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e.toString()); // the client went away
        } catch (RuntimeException e) {
            log.warn("http: {} failed: {}", ex.getRequestURI().getRawPath(), e.toString());
            try {
                text(ex, 500, "internal error: " + e.getClass().getSimpleName() + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the response had started; the connection closes
            }
        } finally {
            Thread.interrupted(); // a watchdog interrupt that came as the last write finished must not hit the next request
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (page.containsKey(path)) {
            String type = PAGE.get(path)[1];
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            send(ex, 200, type, page.get(path));
            return;
        }
        switch (path) {
            case "/metrics" -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
                metrics.scrape(out);
                send(ex, 200, Metrics.CONTENT_TYPE, out.toByteArray());
                return;
            }
            case "/healthz" -> {
                text(ex, 200, "ok\n");
                return;
            }
            case "/readyz" -> {
                String why = notReady();
                if (why == null) text(ex, 200, "ready\n");
                else text(ex, 503, "not ready: " + why + "\n");
                return;
            }
            case "/api/status" -> {
                json(ex, 200, status());
                return;
            }
            case "/api/events" -> {
                events(ex);
                return;
            }
            default -> {
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
        text(ex, 404, "not found: " + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + "\n");
    }

    // ---- health ----

    /** Why vigil is not ready (the health model's answer), or null when it is. */
    String notReady() {
        return vigil.health().problem();
    }

    private ObjectNode status() {
        return StatusJson.of(vigil);
    }

    // ---- events ----

    private void events(HttpExchange ex) throws IOException {
        int limit = DEFAULT_EVENTS;
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                if (!kv.startsWith("limit=")) continue;
                try {
                    limit = Integer.parseInt(kv.substring(6));
                } catch (NumberFormatException e) {
                    text(ex, 400, "limit: \"" + kv.substring(6, Math.min(kv.length(), 40)) + "\" is not a whole number 1.." + MAX_EVENTS + "\n");
                    return;
                }
                if (limit < 1 || limit > MAX_EVENTS) {
                    text(ex, 400, "limit: " + limit + " is not within 1.." + MAX_EVENTS + "\n");
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
        json(ex, 200, arr);
    }

    private void snapshot(HttpExchange ex, String id) throws IOException {
        EventStore store = vigil.events();
        Optional<Path> file = store == null ? Optional.empty() : store.snapshot(id);
        if (file.isEmpty()) {
            text(ex, 404, "no snapshot for event " + id + "\n");
            return;
        }
        byte[] jpeg;
        try {
            jpeg = Files.readAllBytes(file.get());
        } catch (java.nio.file.NoSuchFileException e) {
            text(ex, 404, "snapshot of event " + id + " was removed by retention\n");
            return;
        }
        ex.getResponseHeaders().set("Cache-Control", "max-age=86400, immutable");
        send(ex, 200, "image/jpeg", jpeg);
    }

    // ---- live view ----

    private void latest(HttpExchange ex, String camera) throws IOException {
        live.watch(camera);
        LiveView.Picture p = live.latest(camera);
        if (p == null) {
            ex.getResponseHeaders().set("Retry-After", "1");
            text(ex, 503, "camera " + camera + ": no frame yet\n");
            return;
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, "image/jpeg", p.jpeg());
    }

    private void stream(HttpExchange ex, String camera) throws IOException {
        if (!streams.tryAcquire()) {
            ex.getResponseHeaders().set("Retry-After", "5");
            text(ex, 503, "too many live views open (" + MAX_STREAMS + "); close one or use latest.jpg\n");
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            if (ex.getRequestMethod().equals("HEAD")) return;
            OutputStream out = watchdog.guard(ex.getResponseBody());
            long period = (long) (1e9 / STREAM_FPS);
            long sent = 0;
            while (!closing) {
                live.watch(camera);
                long t0 = System.nanoTime();
                LiveView.Picture p = live.latest(camera);
                if (p != null && p.version() != sent) {
                    String head = "--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + p.jpeg().length + "\r\n\r\n";
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.write(p.jpeg());
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    sent = p.version();
                }
                long left = period - (System.nanoTime() - t0);
                if (left > 0) TimeUnit.NANOSECONDS.sleep(left);
            }
        } catch (InterruptedException e) {
            throw new IOException("live view cut off: the client stopped reading", e);
        } finally {
            streams.release();
        }
    }

    // ---- responses ----

    private void json(HttpExchange ex, int code, Object body) throws IOException {
        send(ex, code, "application/json", JSON.writeValueAsBytes(body));
    }

    private void text(HttpExchange ex, int code, String body) throws IOException {
        send(ex, code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
        if (head || body.length == 0) return;
        try (OutputStream out = watchdog.guard(ex.getResponseBody())) {
            out.write(body);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the jar; rebuild it");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from the jar: " + e.getMessage());
        }
    }

    /** Stops listening, ends live streams and waits briefly for requests in flight. */
    @Override
    public void close() {
        closing = true;
        server.stop(0);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
        watchdog.close();
    }
}
