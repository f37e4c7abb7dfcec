package dev.vigil.http;

import dev.vigil.config.HttpConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.time.TimeSource;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint: Prometheus metrics, health, the JSON API and the status page, behind the access rules of
 * {@link Access}.
 *
 * <pre>
 * /metrics                              Prometheus text format (public with http.metrics_public: true)
 * /healthz                              200 while the process runs (public)
 * /readyz                               200 when the health model finds nothing wrong (model loaded, loop turning,
 *                                       every enabled camera delivering), else 503 with the reason (public)
 * /api/status                           JSON: cameras and states, model, delegate, alarm states, power, uptime, the
 *                                       running config (path, sha256, loaded_at, reloads, restart_needed)
 * /api/events?limit=N                   JSON: the newest events, newest first
 * /api/events/{id}/snapshot.jpg         an event's annotated snapshot
 * /api/cameras/{name}/latest.jpg        the camera's newest frame, annotated
 * /api/cameras/{name}/stream.mjpeg      the same as a live MJPEG stream (a few fps)
 * /                                     the status page (to /login without a session)
 * /login                                GET the form, POST password=TOKEN: a session cookie (public)
 * /logout                               POST: ends the session
 * /review                              the review page: label the samples of the dataset ({@link SampleRoutes}), learn
 *                                      from them ({@link LearnRoutes}: POST /api/learn, GET /api/learn/status)
 * /api/samples, /api/samples/{id}/image.jpg
 *                                       JSON: the samples, newest first, filtered and paged; a sample's frame
 * /api/cameras/{name}/armed|detect|snapshot, /api/outputs/{name}/pulse, /api/outputs/reset, /api/reload,
 *   /api/events/{id}/feedback, /api/samples/{id}/label|delete
 *                                       POST: the remote commands ({@link ControlRoutes}); a GET gets 405
 * </pre>
 *
 * <p>A command needs a credential as {@link Access#controlRequired()} says, and, unless it carries a bearer token, the
 * header {@code X-Vigil-Request: 1}. That header is what stops cross-site request forgery: a page elsewhere can make a
 * browser POST a form or text to 127.0.0.1 (with the session cookie if SameSite ever lets it, and with nothing at all
 * where the commands are open), but not with a custom header unless we answer a CORS preflight, which we never do.
 *
 * <p>Why Jetty 12 (core API, no servlets): the JDK's HttpServer gives each connection a thread of its pool while it
 * reads the request, so 80 idle or 8 half-sent connections took every thread and /healthz failed (issue 10). Jetty
 * reads requests on its selector without a thread per connection, closes a connection idle for
 * {@link #IDLE_TIMEOUT} whether it is reading or writing (that also cuts off a client that stops reading a live view,
 * replacing a watchdog of our own), and caps the connections it holds. Measured on 2 cores with the detector
 * running at 10 fps (HttpAttackTest; HttpFloodBench with -Dvigil.bench=true):
 * <ul>
 * <li>500 idle + 500 half-sent connections held: /healthz 200/200, p99 5-17 ms (was: every probe reset), inference
 *     10 fps before and during, 12 request threads at most;</li>
 * <li>20k /metrics on vigil run with the packaged JVM options: RSS 196 MB before, 213 MB after a GC (+16 MB; the daemon
 *     alone drifted +14 MB in the 25 s before), 32 threads before, 38 at the peak (was: 153 to 294 MB);</li>
 * <li>Jetty's VirtualThreadPool instead of the bounded platform pool: the same p99, but the flood ran 3x slower (322
 *     against 978-1552 requests/s) and the heap peaked twice as high, so the platform pool stays.</li>
 * </ul>
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    static final int MAX_STREAMS = Routes.MAX_STREAMS;
    public static final double STREAM_FPS = 5;
    /** A connection that neither sends nor takes a byte for this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Connections held at once; past this Jetty stops accepting until one closes. Sized for the attack of issue 10
     * (500 idle + 500 half-sent) with room for real clients; an idle connection costs Jetty a few KB and no thread.
     */
    static final int MAX_CONNECTIONS = 2000;
    /** Request threads: the live views (4) block one each; everything else is short. */
    static final int MAX_THREADS = 12, MIN_THREADS = 2;
    private static final int MAX_FORM_BYTES = 4096;

    /** The thread pool under Jetty (a choice kept for measuring the other one: see HttpFloodBench). */
    enum Pool { PLATFORM, VIRTUAL }

    /** The header a command without a bearer token must carry (see the class comment: CSRF). */
    static final String REQUEST_HEADER = "X-Vigil-Request";

    private final Server server;
    private final ServerConnector connector;
    private final Routes routes;
    private final ControlRoutes control;
    private final Access access;

    private StatusServer(Server server, ServerConnector connector, Routes routes, ControlRoutes control, Access access) {
        this.server = server;
        this.connector = connector;
        this.routes = routes;
        this.control = control;
        this.access = access;
    }

    /**
     * Listens on {@code http.listen} and serves until closed.
     *
     * @throws IllegalArgumentException (one line naming the setting and the fix) when the address cannot be bound, or
     *                                  when a credential is required and {@code http.token_file} has no usable token
     */
    public static StatusServer start(HttpConfig http, Vigil vigil) {
        return start(http, vigil, TimeSource.system());
    }

    /** As {@link #start(HttpConfig, Vigil)}, with sessions and the limit on wrong tokens timed by {@code time}. */
    public static StatusServer start(HttpConfig http, Vigil vigil, TimeSource time) {
        return start(http, vigil, time, Pool.PLATFORM);
    }

    static StatusServer start(HttpConfig http, Vigil vigil, TimeSource time, Pool poolKind) {
        Access access = Access.of(http, time);
        ThreadPool pool;
        if (poolKind == Pool.VIRTUAL) {
            VirtualThreadPool v = new VirtualThreadPool(MAX_THREADS * 16);
            v.setName("vigil-http");
            pool = v;
        } else {
            // The queue is Jetty's own (Jetty warns that a bounded one can stall its selector); what bounds it is the
            // connection cap, as an HTTP/1.1 connection has at most one request in the queue.
            QueuedThreadPool q = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
            q.setName("vigil-http");
            q.setDaemon(true);
            pool = q;
        }
        Server server = new Server(pool);
        HttpConfiguration hc = new HttpConfiguration();
        hc.setSendServerVersion(false);
        hc.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(hc));
        connector.setHost(http.host());
        connector.setPort(http.port());
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        // The kernel's queue of connections not yet accepted: Java's default of 50 made a burst of connects wait for
        // SYN retries (500 took 3.2 s), a probe among them too.
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setStopTimeout(2000);
        StatusServer s = new StatusServer(server, connector, vigil == null ? null : new Routes(vigil),
                new ControlRoutes(vigil == null ? null : vigil.control(), vigil == null ? null : vigil::reload), access);
        server.setHandler(s.new Gate());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing started that needs more
            }
            throw new IllegalArgumentException("http.listen " + http.listen() + ": " + reason(e)
                    + (bindFailure(e) ? "; stop what holds the port or choose another (http: {listen: \"127.0.0.1:8090\"})" : ""));
        }
        log.info("http: listening on {} (status page, /metrics, /healthz, /readyz, /api)", s.address());
        if (access.required()) {
            log.info("http: requests need the token of {} (or a login session) except /healthz, /readyz{}", http.tokenFile(),
                    http.metricsPublic() ? " and /metrics" : "");
        }
        return s;
    }

    /**
     * What {@link #start} would refuse about access, checked before anything else starts (the model, the cameras, the
     * event record): a listener that needs a credential and a token file without a usable token.
     *
     * @throws IllegalArgumentException one line naming http.listen / http.auth, http.token_file and the fix
     */
    public static void checkAccess(HttpConfig http) {
        Access.of(http, TimeSource.system());
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof BindException) return true;
        return false;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        String m = root.getMessage();
        if (m == null || m.isBlank()) return root.getClass().getSimpleName();
        return m.toLowerCase(Locale.ROOT).startsWith("address already in use") ? "address already in use" : m;
    }

    /** host:port actually bound (the port chosen when the config gave 0). */
    public String address() {
        String h = connector.getHost();
        try {
            if (connector.getTransport() instanceof ServerSocketChannel ch && ch.getLocalAddress() instanceof InetSocketAddress a) {
                h = a.getAddress().getHostAddress();
            }
        } catch (IOException e) {
            // keep the configured host
        }
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    public int port() { return connector.getLocalPort(); }

    /** Threads of the pool under Jetty (figures for the tests and the bench). */
    int threads() { return server.getThreadPool().getThreads(); }

    /** Connections open now. */
    int connections() { return connector.getConnectedEndPoints().size(); }

    /** Every request passes here: the method, then the credential, then the route. */
    private final class Gate extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange ex = new Exchange(request, response, callback);
            try {
                gate(ex);
            } catch (IOException e) {
                log.debug("http: {} {}: {}", ex.method(), ex.path(), e.toString()); // the client went away
                callback.failed(e);
            } catch (RuntimeException e) {
                log.warn("http: {} failed: {}", ex.path(), e.toString());
                if (response.isCommitted()) callback.failed(e);
                else ex.text(500, "internal error: " + e.getClass().getSimpleName() + "\n");
            }
            return true;
        }
    }

    private void gate(Exchange ex) throws IOException {
        String path = ex.path(), method = ex.method();
        if (method.equals("POST") && (path.equals("/login") || path.equals("/logout"))) {
            if (path.equals("/login")) login(ex);
            else logout(ex);
            return;
        }
        if (ControlRoutes.matches(path) || SampleRoutes.isCommand(path) || LearnRoutes.isCommand(path)) {
            command(ex);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.header(HttpHeader.ALLOW, "GET, HEAD").text(405, "method not allowed: use GET\n");
            return;
        }
        if (path.equals("/login") && !access.controlRequired()) {
            ex.redirect("/");
            return;
        }
        if (!isPublic(path)) {
            Access.Decision d = access.check(ex.header(HttpHeader.AUTHORIZATION), ex.cookie(Access.COOKIE), ex.client());
            switch (d.outcome()) {
                case GRANTED -> {
                }
                case LIMITED -> {
                    ex.header(HttpHeader.RETRY_AFTER, Long.toString(d.retryAfterSeconds()))
                            .text(429, "too many wrong tokens from " + ex.client() + "; retry in " + d.retryAfterSeconds() + " s\n");
                    return;
                }
                case MISSING, DENIED -> {
                    if ((path.equals("/") || path.equals("/review")) && d.outcome() == Access.Outcome.MISSING) {
                        ex.redirect("/login");
                        return;
                    }
                    ex.header(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"vigil\"").text(401, d.outcome() == Access.Outcome.MISSING
                            ? "a credential is needed: send Authorization: Bearer <token> (vigil token prints it) or log in at /login\n"
                            : "wrong token\n");
                    return;
                }
            }
        }
        routes.route(ex);
    }

    private boolean isPublic(String path) {
        return switch (path) {
            case "/healthz", "/readyz", "/login", "/style.css" -> true;
            case "/metrics" -> access.http().metricsPublic();
            default -> false;
        };
    }

    /** A command: POST only, the credential commands need, the CSRF header, then {@link ControlRoutes}. */
    private void command(Exchange ex) throws IOException {
        String cmd = ex.path().substring("/api/".length());
        if (!ex.method().equals("POST")) {
            ex.header(HttpHeader.ALLOW, "POST");
            ControlRoutes.refuse(ex, cmd, 405, "method not allowed: a command is a POST");
            return;
        }
        String authorization = ex.header(HttpHeader.AUTHORIZATION);
        Access.Decision d = access.checkControl(authorization, ex.cookie(Access.COOKIE), ex.client());
        switch (d.outcome()) {
            case GRANTED -> {
            }
            case LIMITED -> {
                ex.header(HttpHeader.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
                ControlRoutes.refuse(ex, cmd, 429, "too many wrong tokens from " + ex.client() + "; retry in " + d.retryAfterSeconds() + " s");
                return;
            }
            case MISSING, DENIED -> {
                ex.header(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"vigil\"");
                ControlRoutes.refuse(ex, cmd, 401, d.outcome() == Access.Outcome.MISSING
                        ? "a command needs the token: send Authorization: Bearer <token> (vigil token prints it) or log in at /login"
                        : "wrong token");
                return;
            }
        }
        if (authorization == null && !"1".equals(ex.header(REQUEST_HEADER))) {
            ControlRoutes.refuse(ex, cmd, 403, "a command without a bearer token needs the header " + REQUEST_HEADER + ": 1 (cross-site requests cannot send it)");
            return;
        }
        if (SampleRoutes.isCommand(ex.path())) {
            if (routes == null) ControlRoutes.refuse(ex, cmd, 503, "no dataset is wired in this process");
            else routes.samples().command(ex);
            return;
        }
        if (LearnRoutes.isCommand(ex.path())) {
            if (routes == null) ControlRoutes.refuse(ex, cmd, 503, "no dataset is wired in this process");
            else routes.learn().command(ex);
            return;
        }
        control.handle(ex);
    }

    private void login(Exchange ex) {
        if (!access.controlRequired()) {
            ex.redirect("/");
            return;
        }
        Fields form;
        try {
            form = FormFields.getFields(ex.request, 4, MAX_FORM_BYTES);
        } catch (RuntimeException e) {
            ex.text(400, "the login form is a password field of at most " + MAX_FORM_BYTES + " bytes\n");
            return;
        }
        Access.Decision d = access.login(form.getValue("password"), ex.client());
        switch (d.outcome()) {
            case GRANTED -> {
                ex.header(HttpHeader.SET_COOKIE, Access.COOKIE + "=" + access.newSession() + "; Path=/; Max-Age="
                        + Access.SESSION_TTL.toSeconds() + "; HttpOnly; SameSite=Strict");
                ex.redirect("/");
            }
            case LIMITED -> ex.header(HttpHeader.RETRY_AFTER, Long.toString(d.retryAfterSeconds()))
                    .send(429, "text/html; charset=utf-8", loginPage("Too many wrong tokens; try again in " + d.retryAfterSeconds() + " s."));
            default -> ex.send(401, "text/html; charset=utf-8", loginPage("Wrong token."));
        }
    }

    private void logout(Exchange ex) {
        access.endSession(ex.cookie(Access.COOKIE));
        ex.header(HttpHeader.SET_COOKIE, Access.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ex.redirect("/login");
    }

    /** The login form with a message in its message slot. */
    private byte[] loginPage(String message) {
        String html = new String(routes.page("/login"), StandardCharsets.UTF_8);
        return html.replace("<p id=\"message\"></p>", "<p id=\"message\">" + message + "</p>").getBytes(StandardCharsets.UTF_8);
    }

    /** Stops listening, ends live streams and waits briefly for requests in flight. */
    @Override
    public void close() {
        if (routes != null) routes.close();
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("http: stopping: {}", e.toString());
        }
    }
}
