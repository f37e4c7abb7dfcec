package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.HttpConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon whose HTTP endpoint needs the token: what is public, the bearer token, the login form and its cookie. */
class StatusServerAuthTest {

    @TempDir
    Path tmp;

    static HttpRequest.Builder req(String base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    static HttpRequest login(String base, String password) {
        return req(base, "/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("password=" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    @Test
    void withTheTokenOnlyHealthReadinessAndTheLoginAreOpenAndTheTokenOrALoginOpensTheRest() throws Exception {
        Path file = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        try (LiveDaemon d = LiveDaemon.start(tmp, LiveDaemon.photos(5, true), ", auth: token, token_file: " + file)) {
            var c = d.client;
            String base = d.base(), bearer = "Bearer " + AccessTest.TOKEN;
            assertEquals(200, d.get("/healthz").statusCode());
            int ready = d.get("/readyz").statusCode();
            assertTrue(ready == 200 || ready == 503, "readyz is public: " + ready);
            assertEquals(200, d.get("/style.css").statusCode(), "the login page's style");
            for (String p : new String[] {"/metrics", "/api/status", "/api/events", "/app.js", "/common.js", "/api/cameras/door/latest.jpg",
                    "/api/cameras/door/stream.mjpeg", "/api/events/x/snapshot.jpg", "/nothing-here"}) {
                HttpResponse<String> r = d.get(p);
                assertEquals(401, r.statusCode(), p);
                assertEquals("Bearer realm=\"vigil\"", r.headers().firstValue("WWW-Authenticate").orElse(""), p);
            }
            HttpResponse<String> m = c.send(req(base, "/metrics").header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, m.statusCode());
            assertTrue(m.body().contains("vigil_frames_captured_total"), m.body());
            assertEquals(200, c.send(req(base, "/api/status").header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            // The page: to the form without a session; the form's password is the token; the cookie opens the rest.
            HttpResponse<String> page = d.get("/");
            assertEquals(303, page.statusCode());
            assertEquals("/login", page.headers().firstValue("Location").orElse(""));
            HttpResponse<String> form = d.get("/login");
            assertEquals(200, form.statusCode());
            assertTrue(form.body().contains("<form class=\"login\" method=\"post\" action=\"/login\">"), form.body());
            HttpResponse<String> wrong = c.send(login(base, "not the token"), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.body().contains("<p id=\"message\">Wrong token.</p>"), wrong.body());
            HttpResponse<String> in = c.send(login(base, AccessTest.TOKEN), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, in.statusCode());
            assertEquals("/", in.headers().firstValue("Location").orElse(""));
            String cookie = in.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.matches("vigil_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict"), cookie);
            String session = cookie.substring(0, cookie.indexOf(';'));
            assertEquals(200, c.send(req(base, "/").header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, c.send(req(base, "/api/status").header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> out = c.send(req(base, "/logout").header("Cookie", session).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(303, out.statusCode());
            assertEquals(401, c.send(req(base, "/api/status").header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            // The login above cleared the wrong one before it: five wrong ones, then even the token waits (429, Retry-After).
            for (int i = 0; i < 5; i++) assertEquals(401, c.send(login(base, "guess" + i), HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> held = c.send(login(base, AccessTest.TOKEN), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, held.statusCode());
            long retry = Long.parseLong(held.headers().firstValue("Retry-After").orElse("-1"));
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            HttpResponse<String> bearerHeld = c.send(req(base, "/api/status").header("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, bearerHeld.statusCode(), "a bearer token from the same address waits too");
            assertEquals(200, d.get("/healthz").statusCode(), "health stays open");

            // http.metrics_public: a second endpoint on the same daemon, with /metrics open and the API still closed.
            try (StatusServer open = StatusServer.start(new HttpConfig("127.0.0.1", 0, Optional.of(HttpConfig.Auth.TOKEN), file, true), d.vigil)) {
                String b2 = "http://127.0.0.1:" + open.port();
                assertEquals(200, c.send(req(b2, "/metrics").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                assertEquals(401, c.send(req(b2, "/api/status").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
        }
    }

    @Test
    void aListenerThatNeedsATokenWithoutOneIsRefusedInOneLineBeforeTheModelLoads() {
        Path none = tmp.resolve("no-token");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LiveDaemon.start(tmp, LiveDaemon.photos(5, true), ", auth: token, token_file: " + none));
        assertEquals("http.auth is token but http.token_file " + none + " does not exist; create it with `vigil token --rotate --file "
                + none + "`", e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("events")), "nothing recorded");
    }

    @Test
    void aCommandRefusedBeforeItsBodyCameEitherSaysItClosesOrLeavesTheConnectionUsable() throws Exception {
        Path file = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        try (LiveDaemon d = LiveDaemon.start(tmp, LiveDaemon.photos(5, true), ", auth: token, token_file: " + file);
             java.net.Socket s = new java.net.Socket("127.0.0.1", d.vigil.http().port())) {
            s.setSoTimeout(10_000);
            var ascii = java.nio.charset.StandardCharsets.US_ASCII;
            var out = s.getOutputStream();
            var in = new java.io.DataInputStream(s.getInputStream());
            // A command without a bearer token or X-Vigil-Request is refused on its headers, its body not there yet.
            out.write(("POST /api/cameras/door/armed HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                    + "Cookie: vigil_session=nothing\r\n\r\n").getBytes(ascii));
            out.flush();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
            String h = head.toString().toLowerCase(java.util.Locale.ROOT);
            assertTrue(h.startsWith("http/1.1 401") || h.startsWith("http/1.1 403"), h);
            int length = Integer.parseInt(h.replaceAll("(?s).*content-length: *(\\d+).*", "$1"));
            in.readNBytes(length);
            if (h.contains("connection: close")) return; // said so: a client opens a new connection
            // Not said: then the connection must serve the body's rest and the next request.
            out.write("OFFGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(ascii));
            out.flush();
            String rest = new String(in.readAllBytes(), ascii);
            assertTrue(rest.startsWith("HTTP/1.1 200"), "the next request on a connection not said to close: " + rest);
        }
    }
}
