package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.metrics.Promtool;
import dev.vigil.model.Sha256;
import dev.vigil.testing.TestData;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP endpoint of a daemon replaying the test photos: metrics through promtool, health, the API, the live view. */
class StatusServerTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        if (!m.find()) throw new AssertionError("no series " + series + " in the exposition:\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    static boolean jpeg(byte[] b) {
        return b.length > 1000 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[b.length - 2] & 0xff) == 0xff && (b[b.length - 1] & 0xff) == 0xd9;
    }

    /** The raw response to a request line sent as is (no client-side path normalization). */
    static String raw(LiveDaemon d, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", d.vigil.http().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void liveMetricsPassPromtoolAndCarryEveryStageAndThePower() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 5, true)) {
            assertEquals(200, d.get("/healthz").statusCode());
            assertTrue(d.awaitReady(Duration.ofSeconds(60)), "never ready: " + d.get("/readyz").body());
            // Two power samples with inferences between them make the first energy-per-inference record.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String text;
            do {
                Thread.sleep(500);
                text = d.get("/metrics").body();
            } while ((!text.contains("vigil_events_total{camera=\"door\",group=\"animal\"}")
                    || value(text, "vigil_inference_energy_joules_count{source=\"estimate\"}") < 1) && System.nanoTime() < deadline);
            // Gauges whose objects only Micrometer holds (weakly) read NaN after a collection: collect first.
            System.gc();
            HttpResponse<String> r = d.get("/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
            text = r.body();
            java.nio.file.Files.writeString(Path.of("target", "metrics-sample.txt"), text); // for a look after the run
            assertEquals("", Promtool.check(text), "promtool check metrics");

            String cam = "camera=\"door\",model=\"ssd_mobilenet_v1_coco_quant\"";
            double processed = value(text, "vigil_frames_processed_total{camera=\"door\"}");
            assertTrue(processed >= 5, "processed " + processed);
            for (String stage : List.of("capture", "preprocess", "inference", "postprocess", "frame")) {
                double n = value(text, "vigil_" + stage + "_seconds_count{" + cam + "}");
                assertTrue(n >= 5, stage + " count " + n);
                assertEquals(n, value(text, "vigil_" + stage + "_seconds_bucket{" + cam + ",le=\"+Inf\"}"), stage);
                assertTrue(value(text, "vigil_" + stage + "_seconds_sum{" + cam + "}") > 0, stage);
            }
            // An SSD on two x86 cores takes some milliseconds, never a whole second.
            double inf = value(text, "vigil_inference_seconds_bucket{" + cam + ",le=\"1.0\"}");
            assertEquals(value(text, "vigil_inference_seconds_count{" + cam + "}"), inf);
            assertTrue(value(text, "vigil_inference_seconds_bucket{" + cam + ",le=\"1.0E-4\"}") < inf);
            assertTrue(value(text, "vigil_frames_captured_total{camera=\"door\"}") >= processed);
            assertEquals(1, value(text, "vigil_camera_up{camera=\"door\"}"));
            assertTrue(value(text, "vigil_processed_fps{camera=\"door\"}") > 0);
            assertTrue(value(text, "vigil_events_total{camera=\"door\",group=\"person\"}") >= 1);
            assertTrue(value(text, "vigil_events_total{camera=\"door\",group=\"animal\"}") >= 1);
            assertTrue(text.contains("vigil_frames_dropped_total{camera=\"door\",reason=\"stale\"}"), "stale drops exported");
            assertEquals(0, value(text, "vigil_errors_total{camera=\"door\",stage=\"inference\"}"), "known series start at 0");
            // Without a gpio: section the alarm state is exported all the same: one of the four states is 1.
            double states = 0;
            for (String s : List.of("disarmed", "armed", "triggered", "cooldown"))
                states += value(text, "vigil_alarm_state{camera=\"door\",state=\"" + s + "\"}");
            assertEquals(1, states, "exactly one alarm state");
            assertEquals(0, value(text, "vigil_consumer_dropped_total{consumer=\"metrics\"}"));
            String sha = Sha256.of(TestData.model(TestData.DETECTOR));
            assertEquals(1, value(text, "vigil_model_info{delegate=\"" + d.vigil.daemon().analyzer().engine().delegate()
                    + "\",kind=\"detector\",name=\"ssd_mobilenet_v1_coco_quant\",sha256=\"" + sha + "\",size_bytes=\""
                    + java.nio.file.Files.size(TestData.model(TestData.DETECTOR)) + "\"}"));
            double watts = value(text, "vigil_power_watts{rail=\"total\",source=\"estimate\"}");
            assertEquals(4.0, watts, 1e-9); // 2 W idle + half of the 4 W up to busy, at the fixture's 50 % CPU
            assertTrue(value(text, "vigil_energy_joules_total{source=\"estimate\"}") > 0);
            double perInference = value(text, "vigil_inference_energy_joules_sum{source=\"estimate\"}")
                    / value(text, "vigil_inference_energy_joules_count{source=\"estimate\"}");
            assertTrue(perInference > 0.05 && perInference < 4.0, "4 W over a few frames a second: " + perInference + " J");
            assertTrue(value(text, "process_resident_memory_bytes") > 50e6);
            assertTrue(value(text, "process_cpu_seconds_total") > 0);
        }
    }

    @Test
    void apiStatusEventsSnapshotsAndTheLiveView() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 5, true)) {
            assertTrue(d.awaitReady(Duration.ofSeconds(60)), d.get("/readyz").body());
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            JsonNode events;
            Set<String> groups = new HashSet<>();
            do {
                Thread.sleep(300);
                events = JSON.readTree(d.get("/api/events?limit=100").body());
                groups.clear();
                events.forEach(e -> groups.add(e.get("group").asText()));
            } while (!groups.containsAll(Set.of("person", "animal")) && System.nanoTime() < deadline);
            assertTrue(groups.containsAll(Set.of("person", "animal")), events.toString());

            JsonNode st = JSON.readTree(d.get("/api/status").body());
            assertTrue(st.get("ready").asBoolean(), st.toString());
            assertEquals("ssd_mobilenet_v1_coco_quant", st.at("/model/name").asText());
            assertEquals(d.vigil.daemon().analyzer().engine().delegate(), st.at("/model/delegate").asText());
            assertEquals(64, st.at("/model/sha256").asText().length());
            assertEquals("door", st.at("/cameras/0/name").asText());
            assertEquals("UP", st.at("/cameras/0/state").asText());
            assertTrue(st.at("/cameras/0/processed").asLong() > 0);
            assertTrue(st.at("/cameras/0/inference_ms").asDouble() > 0);
            assertEquals("estimate", st.at("/power/source").asText());
            assertTrue(st.get("uptime_s").asDouble() > 0);
            // The alarm state machine runs without any gpio: section (people keep the doorbell camera triggered).
            assertTrue(Set.of("armed", "triggered", "cooldown").contains(st.at("/alarms/door").asText()), st.toString());
            assertEquals(0, st.at("/consumers_dropped/events").asLong(), "the event journal keeps up: " + st);

            // The daemon keeps recording while the test reads: the two newest are two neighbours of a later full list.
            JsonNode two = JSON.readTree(d.get("/api/events?limit=2").body());
            assertEquals(2, two.size());
            List<String> later = new ArrayList<>();
            JSON.readTree(d.get("/api/events?limit=100").body()).forEach(x -> later.add(x.get("id").asText()));
            int at = later.indexOf(two.get(0).get("id").asText());
            assertTrue(at >= 0 && at + 1 < later.size(), two + " in " + later);
            assertEquals(later.get(at + 1), two.get(1).get("id").asText(), "newest first");
            assertEquals(400, d.get("/api/events?limit=0").statusCode());
            assertEquals(400, d.get("/api/events?limit=abc").statusCode());

            JsonNode e = events.get(0);
            HttpResponse<byte[]> snap = d.bytes(e.get("snapshot_url").asText());
            assertEquals(200, snap.statusCode());
            assertEquals("image/jpeg", snap.headers().firstValue("Content-Type").orElse(""));
            assertTrue(jpeg(snap.body()), "a whole JPEG");
            assertEquals(404, d.get("/api/events/20991231T000000.000Z-door-person-9999/snapshot.jpg").statusCode());

            HttpResponse<byte[]> latest = d.bytes("/api/cameras/door/latest.jpg");
            assertEquals(200, latest.statusCode());
            assertTrue(jpeg(latest.body()));
            assertEquals(404, d.get("/api/cameras/yard/latest.jpg").statusCode());

            // The live view: a multipart stream whose parts are whole JPEGs of new frames.
            try (InputStream in = d.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.base() + "/api/cameras/door/stream.mjpeg")).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body()) {
                List<byte[]> parts = readParts(in, 3);
                for (byte[] p : parts) assertTrue(jpeg(p), "part is a JPEG");
            }
            assertEquals(405, d.client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.base() + "/metrics"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    /** Reads {@code n} parts of a multipart/x-mixed-replace stream by their Content-Length headers. */
    static List<byte[]> readParts(InputStream in, int n) throws Exception {
        List<byte[]> out = new ArrayList<>();
        while (out.size() < n) {
            String line;
            int length = -1;
            while (!(line = readLine(in)).isEmpty() || length < 0) {
                if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).strip());
            }
            out.add(in.readNBytes(length));
        }
        return out;
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') break;
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void aTakenPortIsOneLineNamingTheAddressAndTheFix() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StatusServer.start(
                    new dev.vigil.config.HttpConfig("127.0.0.1", port), null));
            assertEquals("http.listen 127.0.0.1:" + port + ": address already in use; stop what holds the port or choose another "
                    + "(http: {listen: \"127.0.0.1:8090\"})", e.getMessage());
        }
    }

    @Test
    void requestPathsNeverReachTheFileSystem() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 5, true)) {
            for (String p : List.of("/api/events/..%2F..%2F..%2Fetc%2Fpasswd/snapshot.jpg", "/api/events/../snapshot.jpg",
                    "/api/events/.hidden/snapshot.jpg", "/../../../../etc/passwd", "/api/cameras/door/../../../etc/passwd",
                    "/api/events/events.jsonl/snapshot.jpg", "/web/index.html", "/app.js/../../pom.xml", "/%2e%2e/%2e%2e/etc/passwd",
                    "/api/cameras/..%2Fevents/latest.jpg")) {
                String resp = raw(d, p);
                assertTrue(resp.startsWith("HTTP/1.1 404") || resp.startsWith("HTTP/1.1 400"), p + " -> " + resp.lines().findFirst().orElse(""));
                assertTrue(!resp.contains("root:"), p);
            }
            assertTrue(raw(d, "/").startsWith("HTTP/1.1 200"));
            assertTrue(raw(d, "/app.js").contains("stream.mjpeg"));
        }
    }

    @Test
    void readyzSays503AndWhyWhileTheCameraIsDownAndStatusShowsIt() throws Exception {
        int port;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) { port = closed.getLocalPort(); } // nothing listens now
        try (LiveDaemon d = LiveDaemon.start(tmp, "{ stream: \"rtsp://127.0.0.1:" + port + "/cam\", connect_timeout_s: 1, read_timeout_s: 1 }")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            HttpResponse<String> r;
            do {
                Thread.sleep(200);
                r = d.get("/readyz");
            } while (!(r.statusCode() == 503 && r.body().contains(": down: ")) && System.nanoTime() < deadline);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("not ready: camera door: down: "), r.body());
            assertTrue(r.body().contains("retry in") || r.body().contains("probing every"), r.body());
            assertEquals(200, d.get("/healthz").statusCode());
            JsonNode st = JSON.readTree(d.get("/api/status").body());
            assertEquals("down", st.at("/cameras/0/health").asText(), st.toString());
            java.time.Instant since = java.time.Instant.parse(st.at("/cameras/0/down_since").asText());
            assertTrue(since.isBefore(java.time.Instant.now()), st.toString());
            assertFalse(st.get("stuck").asBoolean(), "a camera down is not vigil stuck: " + st);
        }
    }

    @Test
    void clientsThatStopReadingNeitherBlockThePipelineNorKeepTheirThreads() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 10, true)) {
            assertTrue(d.awaitReady(Duration.ofSeconds(60)));
            List<Socket> stuck = new ArrayList<>();
            try {
                for (int i = 0; i < StatusServer.MAX_STREAMS; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", d.vigil.http().port()));
                    OutputStream o = s.getOutputStream();
                    o.write("GET /api/cameras/door/stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    stuck.add(s); // never read
                }
                Thread.sleep(1500);
                // Every live-view slot is taken: one more is refused at once, the rest of the API still answers.
                assertEquals(503, d.status("/api/cameras/door/stream.mjpeg"));
                long p0 = d.vigil.frames().processed("door");
                long t0 = System.nanoTime();
                assertEquals(200, d.get("/healthz").statusCode());
                assertEquals(200, d.get("/metrics").statusCode());
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "API slow while streams are stuck");
                Thread.sleep(2000);
                assertTrue(d.vigil.frames().processed("door") > p0 + 5, "the pipeline kept going");
                // The writes to the clients that stopped reading are cut off after the write limit, freeing the slots.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                int code;
                do {
                    Thread.sleep(500);
                    code = d.status("/api/cameras/door/stream.mjpeg");
                } while (code != 200 && System.nanoTime() < deadline);
                assertEquals(200, code, "a live view slot came free");
            } finally {
                for (Socket s : stuck) s.close();
            }
        }
    }
}
