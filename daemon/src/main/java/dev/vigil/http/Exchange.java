package dev.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/** One request and its response on Jetty's core API, with the few ways vigil answers. */
final class Exchange {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Request request;
    final Response response;
    final Callback callback;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    String method() { return request.getMethod(); }

    boolean head() { return request.getMethod().equals("HEAD"); }

    /** The path as sent (still percent-encoded): routes match it whole, so no decoding can smuggle a separator in. */
    String path() { return request.getHttpURI().getPath(); }

    String query() { return request.getHttpURI().getQuery(); }

    String client() { return Request.getRemoteAddr(request); }

    String header(HttpHeader h) { return request.getHeaders().get(h); }

    String header(String h) { return request.getHeaders().get(h); }

    /** The request body as UTF-8 text, or null when it is longer than {@code max} bytes (read no further). */
    String body(int max) throws IOException {
        if (request.getLength() > max) return null;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(max + 1);
            return b.length > max ? null : new String(b, StandardCharsets.UTF_8);
        }
    }

    String cookie(String name) {
        for (HttpCookie c : Request.getCookies(request)) if (c.getName().equals(name)) return c.getValue();
        return null;
    }

    Exchange header(HttpHeader h, String value) {
        response.getHeaders().put(h, value);
        return this;
    }

    Exchange header(String h, String value) {
        response.getHeaders().put(h, value);
        return this;
    }

    void json(int code, Object body) throws IOException {
        send(code, "application/json", JSON.writeValueAsBytes(body));
    }

    void text(int code, String body) {
        send(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole response; completes the exchange (asynchronously: the thread does not wait for a slow client). */
    void send(int code, String type, byte[] body) {
        unread();
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head() || body.length == 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
    }

    /**
     * A request answered without reading its body (a refusal before the command is read): what of it has arrived is
     * read and dropped; if more is still to come, the answer says {@code Connection: close}. Otherwise Jetty closed the
     * connection after an answer that did not say so, and a client reusing it (the JDK's HttpClient does) got an empty
     * reply to its next request (seen in ControlHttpTest on a loaded machine, the body a packet behind the headers).
     */
    private void unread() {
        if (!request.consumeAvailable()) response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    /** A redirect (303: the browser follows with a GET) to a path of this server. */
    void redirect(String to) {
        unread();
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, to);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, ByteBuffer.allocate(0), callback);
    }

    /**
     * Writes part of a long response and waits until the client took it. A client that stops reading makes this throw
     * after the connector's idle timeout (Jetty fails a write that makes no progress for that long).
     */
    void writeAndWait(ByteBuffer part) throws IOException {
        try (Blocker.Callback b = Blocker.callback()) {
            response.write(false, part, b);
            b.block();
        }
    }
}
