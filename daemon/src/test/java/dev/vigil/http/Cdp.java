package dev.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Debian Chromium driven over the DevTools protocol with the JDK's own WebSocket client: enough of the
 * protocol to open a page, evaluate JavaScript in it and take a screenshot. (Playwright would need Node and a download
 * of its own browser build; the protocol itself is a few JSON messages.)
 */
final class Cdp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process browser;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Cdp(Process browser, WebSocket ws, Listener listener) {
        this.browser = browser;
        this.ws = ws;
        listener.owner = this;
    }

    static final String MISSING = "chromium not found on PATH: install the Debian package chromium (apt-get install -y chromium; .ci/run does)";

    /** chromium on the PATH, or null. */
    static Path chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name);
            }
        }
        return null;
    }

    /**
     * Skips the calling test, printing why, when chromium is absent on a developer's machine; in CI (the variable CI set,
     * as CI services and .ci/run set it) a missing chromium fails instead, so the browser tests never go quietly.
     */
    static void assumeChromium() {
        if (chromium() != null) return;
        if (System.getenv("CI") != null) throw new AssertionError(MISSING + " (CI is set: the browser tests must run)");
        System.out.println("skipped: " + MISSING);
        org.junit.jupiter.api.Assumptions.abort(MISSING);
    }

    /** Starts chromium with a fresh profile in {@code profile} and connects to its browser target. */
    static Cdp launch(Path profile, Path log) throws Exception {
        Path bin = chromium();
        if (bin == null) throw new AssertionError(MISSING);
        Files.createDirectories(profile);
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=1280,1000", "about:blank"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> lines = List.of();
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(portFile)) {
                    lines = Files.readAllLines(portFile);
                    if (lines.size() >= 2) break;
                }
                Thread.sleep(100);
            }
            if (lines.size() < 2) throw new AssertionError("chromium did not open its DevTools port (alive " + p.isAlive() + "): " + Files.readString(log));
            Listener l = new Listener();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip()), l).get(10, TimeUnit.SECONDS);
            return new Cdp(p, ws, l);
        } catch (Exception | AssertionError e) {
            kill(p);
            throw e;
        }
    }

    /** Sends a command (to a page's session, or the browser when sessionId is null) and waits for its result. */
    JsonNode send(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (sessionId != null) msg.put("sessionId", sessionId);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = f.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) throw new AssertionError(method + ": " + reply.get("error"));
        return reply.get("result");
    }

    /** Opens {@code url} in a new tab and returns the session to talk to it. */
    String open(String url) throws Exception {
        String target = send(null, "Target.createTarget", Map.of("url", url)).get("targetId").asText();
        return send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
    }

    /** The value of a JavaScript expression in the page (returned by value). */
    JsonNode eval(String session, String expression) throws Exception {
        JsonNode r = send(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
        return r.get("result").get("value");
    }

    /** A real click (press and release of the left button) at page coordinates. */
    void click(String session, double x, double y) throws Exception {
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x, "y", y, "button", "left", "buttons", 1, "clickCount", 1));
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x, "y", y, "button", "left", "buttons", 0, "clickCount", 1));
    }

    /** A drag with the left button from one point to another, in a few moves. */
    void drag(String session, double x0, double y0, double x1, double y1) throws Exception {
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x0, "y", y0));
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x0, "y", y0, "button", "left", "buttons", 1, "clickCount", 1));
        for (int i = 1; i <= 5; i++) {
            double x = x0 + (x1 - x0) * i / 5, y = y0 + (y1 - y0) * i / 5;
            send(session, "Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y, "button", "left", "buttons", 1));
        }
        send(session, "Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x1, "y", y1, "button", "left", "buttons", 0, "clickCount", 1));
    }

    /** A key pressed and released: a named key (Enter, Delete, Tab, Escape) or one character. */
    void key(String session, String key) throws Exception {
        Map<String, Integer> named = Map.of("Enter", 13, "Delete", 46, "Tab", 9, "Escape", 27, "Backspace", 8, "ArrowLeft", 37, "ArrowUp", 38,
                "ArrowRight", 39, "ArrowDown", 40);
        Map<String, Object> down = new java.util.HashMap<>(Map.of("type", "keyDown", "key", key));
        if (named.containsKey(key)) {
            down.put("code", key);
            down.put("windowsVirtualKeyCode", named.get(key));
            if (key.equals("Enter")) down.put("text", "\r");
        } else {
            char c = key.charAt(0);
            down.put("text", key);
            down.put("code", Character.isDigit(c) ? "Digit" + c : "Key" + Character.toUpperCase(c));
            down.put("windowsVirtualKeyCode", (int) Character.toUpperCase(c));
        }
        send(session, "Input.dispatchKeyEvent", down);
        Map<String, Object> up = new java.util.HashMap<>(down);
        up.put("type", "keyUp");
        up.remove("text");
        send(session, "Input.dispatchKeyEvent", up);
    }

    /** Text typed into the focused field. */
    void type(String session, String text) throws Exception {
        send(session, "Input.insertText", Map.of("text", text));
    }

    byte[] screenshot(String session) throws Exception {
        String b64 = send(session, "Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
        return java.util.Base64.getDecoder().decode(b64);
    }

    @Override
    public void close() {
        try {
            ws.sendText("{\"id\":" + ids.incrementAndGet() + ",\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            browser.waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // killed below
        }
        kill(browser);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        Cdp owner;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode n = JSON.readTree(text);
                    if (n.has("id") && owner != null) {
                        CompletableFuture<JsonNode> f = owner.pending.remove(n.get("id").asInt());
                        if (f != null) f.complete(n);
                    }
                } catch (IOException e) {
                    // not JSON: ignored
                }
            }
            ws.request(1);
            return null;
        }
    }
}
