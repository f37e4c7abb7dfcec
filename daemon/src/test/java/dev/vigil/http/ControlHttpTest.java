package dev.vigil.http;

import static dev.vigil.gpio.GpioDaemonTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alarm.AlarmState;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.gpio.GpioDaemonTest.Scene;
import dev.vigil.gpio.Pi4jPins;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.FakeEngine.Rgb;
import dev.vigil.testing.FakeEngine.Seen;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands over HTTP on the real daemon with Pi4J's mock pins and a fake engine (the test decides what the camera
 * shows): disarming keeps the relay still while a person stands at the door, arming rings it again; a missing or wrong
 * token, a GET, a malformed body, an unknown camera or output and a cookie without the request header change nothing.
 */
class ControlHttpTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    static final Rgb STREET = new Rgb(90, 90, 90), VISITOR = new Rgb(200, 120, 60);
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Change(boolean high, long nanos) {}

    HttpResponse<String> post(String base, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A refusal: the status, one line of JSON with ok false and a message containing {@code says}. */
    static void refused(HttpResponse<String> r, int code, String says) throws Exception {
        assertEquals(code, r.statusCode(), r.body());
        assertFalse(r.body().contains("\n"), "one line: " + r.body());
        JsonNode n = JSON.readTree(r.body());
        assertFalse(n.get("ok").asBoolean(), r.body());
        assertTrue(n.get("message").asText().contains(says), r.body());
    }

    @Test
    void armAndDisarmOverHttpDecideWhetherAPersonRingsTheRelayAndRefusedCommandsChangeNothing() throws Exception {
        Path token = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        String yaml = """
                model: %s
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                cameras:
                  door:
                    source: { folder: /replaced, fps: 20 }
                    groups: { person: { labels: [person], min_score: 0.5 } }
                    cooldown_s: 0
                    tracking: false
                gpio:
                  outputs: { relay: { pin: 24, kind: relay } }
                  actions: [ { group: person, output: relay, pulse_ms: 100 } ]
                """.formatted(FakeEngine.modelFile(tmp), tmp.resolve("events"), token);
        VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of());
        FakeEngine fake = FakeEngine.detector(FakeEngine.byColour(Map.of(STREET, new Seen("car", 0.9f), VISITOR, new Seen("person", 0.8f))),
                "person", "car");
        Scene door = new Scene(Map.of("street", STREET.frame(320, 240), "visitor", VISITOR.frame(320, 240)), "street");
        Pi4jPins pins = Pi4jPins.mock("test");
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment()).withAnalyzers(fake.analyzers())
                .withPins(c -> pins).withSources(Map.of("door", door));
        try (Vigil v = Wiring.start(cfg, parts)) {
            String base = "http://127.0.0.1:" + v.http().port();
            String[] bearer = {"Authorization", "Bearer " + AccessTest.TOKEN};
            List<Change> relay = Collections.synchronizedList(new ArrayList<>());
            pins.onOutputLevel("relay", (high, nanos) -> relay.add(new Change(high, nanos)));
            var frames = v.frames();
            await(() -> frames.processed("door") >= 5, 20_000, "frames of the street: " + v.cameraStats());
            assertEquals(AlarmState.ARMED, v.decisions().alarmState("door"));

            // Refused, each without a side effect: no token, a wrong one, a GET, a malformed body, an unknown camera.
            refused(post(base, "/api/cameras/door/armed", "OFF"), 401, "needs the token");
            refused(post(base, "/api/cameras/door/armed", "OFF", "Authorization", "Bearer " + "x".repeat(32)), 401, "wrong token");
            refused(post(base, "/api/outputs/relay/pulse", "500", "Authorization", "Bearer " + "y".repeat(32)), 401, "wrong token");
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/api/cameras/door/armed"))
                    .header(bearer[0], bearer[1]).build(), HttpResponse.BodyHandlers.ofString());
            refused(get, 405, "a command is a POST");
            assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
            refused(post(base, "/api/cameras/door/armed", "MAYBE", bearer), 400, "\"MAYBE\" is not ON or OFF");
            refused(post(base, "/api/cameras/door/armed", "{\"armed\": \"no\"}", bearer), 400, "needs a boolean \"armed\"");
            refused(post(base, "/api/cameras/door/armed", "{not json", bearer), 400, "not a JSON object");
            refused(post(base, "/api/cameras/nocam/armed", "OFF", bearer), 404, "no camera nocam (cameras: [door])");
            refused(post(base, "/api/outputs/siren/pulse", "500", bearer), 404, "no output siren");
            refused(post(base, "/api/outputs/relay/pulse", "70000", bearer), 400, "not a pulse length in ms");
            refused(post(base, "/api/outputs/relay/pulse", "soon", bearer), 400, "not a pulse length in ms");
            // A session cookie alone is what a forged cross-site POST would carry: the page's header is required too.
            HttpResponse<String> in = client.send(StatusServerAuthTest.login(base, AccessTest.TOKEN), HttpResponse.BodyHandlers.ofString());
            String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            String session = cookie.substring(0, cookie.indexOf(';'));
            refused(post(base, "/api/cameras/door/armed", "OFF", "Cookie", session), 403, "X-Vigil-Request: 1");
            assertEquals(AlarmState.ARMED, v.decisions().alarmState("door"), "nothing refused changed the alarm");
            assertTrue(v.decisions().detecting("door"));
            assertEquals(List.of(), relay, "nothing refused touched the relay");

            // Disarmed from the page's session (cookie and header): a person at the door rings nothing.
            HttpResponse<String> off = post(base, "/api/cameras/door/armed", "OFF", "Cookie", session, "X-Vigil-Request", "1");
            assertEquals(200, off.statusCode(), off.body());
            JsonNode answer = JSON.readTree(off.body());
            assertEquals("camera door disarmed", answer.get("message").asText());
            assertEquals("DISARMED", answer.get("alarm").asText());
            assertEquals(AlarmState.DISARMED, v.decisions().alarmState("door"));
            JsonNode status = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).header(bearer[0], bearer[1]).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("DISARMED", status.at("/cameras/0/alarm").asText(), status.toString());
            door.showing = "visitor";
            long seen = fake.invocations();
            await(() -> fake.invocations() >= seen + 20, 20_000, "the visitor in 20 frames: " + v.cameraStats());
            assertEquals(List.of(), relay, "disarmed: the person rings nothing");

            // Armed by a bearer token with a JSON body: the same person rings the relay.
            HttpResponse<String> on = post(base, "/api/cameras/door/armed", "{\"armed\": true}", bearer);
            assertEquals(200, on.statusCode(), on.body());
            await(() -> !relay.isEmpty(), 20_000, "armed: the person switches the relay on");
            assertTrue(relay.getFirst().high(), "on is HIGH: " + relay);
            assertTrue(v.decisions().alarmState("door") != AlarmState.DISARMED);

            // Detection off: frames skip inference; the output commands reach the pins.
            door.showing = "street";
            assertEquals(200, post(base, "/api/cameras/door/detect", "OFF", bearer).statusCode());
            assertFalse(v.decisions().detecting("door"));
            assertEquals("detection off", v.decisions().skip("door"));
            assertEquals(200, post(base, "/api/cameras/door/detect", "{\"detect\": true}", bearer).statusCode());
            assertTrue(v.decisions().detecting("door"));
            await(() -> !pins.level("relay"), 5_000, "the alarm's pulse ended: " + relay);
            int before = relay.size();
            HttpResponse<String> pulse = post(base, "/api/outputs/relay/pulse", "{\"ms\": 150}", bearer);
            assertEquals(200, pulse.statusCode(), pulse.body());
            await(() -> relay.size() >= before + 2, 5_000, "a pulse: on then off: " + relay);
            double ms = (relay.get(before + 1).nanos() - relay.get(before).nanos()) / 1e6;
            assertTrue(relay.get(before).high() && !relay.get(before + 1).high() && ms >= 149, "a 150 ms pulse: " + ms + " ms, " + relay);
            assertEquals(200, post(base, "/api/outputs/reset", "", bearer).statusCode());
            assertFalse(pins.level("relay"));

            HttpResponse<byte[]> snap = client.send(HttpRequest.newBuilder(URI.create(base + "/api/cameras/door/snapshot"))
                    .header(bearer[0], bearer[1]).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, snap.statusCode());
            assertEquals("image/jpeg", snap.headers().firstValue("Content-Type").orElse(""));
            assertEquals(0xD8, snap.body()[1] & 0xFF);
        } finally {
            door.release();
        }
    }

    /**
     * On loopback with http.auth not written the reads are open; a command needs the token as soon as the token file
     * holds a usable one, and without one it is open but for the request header (what a forged cross-site POST lacks).
     */
    @Test
    void onLoopbackACommandNeedsTheTokenWhenTheFileHoldsOneAndAlwaysTheRequestHeader() throws Exception {
        Path file = tmp.resolve("http-token");
        try (LiveDaemon d = LiveDaemon.start(tmp, LiveDaemon.photos(2, true), ", token_file: " + file)) {
            String base = d.base();
            assertEquals(200, d.get("/api/status").statusCode(), "reads are open on loopback");
            refused(post(base, "/api/cameras/door/detect", "OFF"), 403, "X-Vigil-Request: 1");
            assertTrue(d.vigil.decisions().detecting("door"));
            assertEquals(200, post(base, "/api/cameras/door/detect", "OFF", "X-Vigil-Request", "1").statusCode(), "no token file: open");
            assertFalse(d.vigil.decisions().detecting("door"));

            Files.writeString(file, AccessTest.TOKEN + "\n");
            assertEquals(200, d.get("/api/status").statusCode(), "reads stay open");
            refused(post(base, "/api/cameras/door/detect", "ON", "X-Vigil-Request", "1"), 401, "needs the token");
            assertFalse(d.vigil.decisions().detecting("door"), "refused: no change");
            assertEquals(200, d.get("/login").statusCode(), "the login form is there for the page's buttons");
            assertEquals(200, post(base, "/api/cameras/door/detect", "ON", "Authorization", "Bearer " + AccessTest.TOKEN).statusCode());
            assertTrue(d.vigil.decisions().detecting("door"));
        }
    }
}
