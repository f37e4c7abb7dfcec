package dev.vigil.http;

import static dev.vigil.http.ControlHttpTest.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.EventFiles;
import dev.vigil.model.ModelStore;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset's HTTP routes: the list filtered and paged newest first, the image, labels checked and saved, delete; behind the gate. */
class SampleRoutesTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base;

    @Test
    void theLabelsOfABodyAreCheckedBeforeAnythingIsWritten() {
        List<Sample.Box> l = SampleRoutes.labels("{\"labels\": [{\"label\": \" cat \", \"box\": [0.1, 0.2, 0.5, 0.9]}]}", true);
        assertEquals("cat", l.getFirst().label());
        assertArrayEquals(new double[] {0.1, 0.2, 0.5, 0.9}, l.getFirst().box());
        assertEquals(1.0, l.getFirst().score());
        assertEquals(List.of(), SampleRoutes.labels("[]", true), "nothing there");
        assertNull(SampleRoutes.labels("[{\"label\": \"pizza\"}]", false).getFirst().box());
        for (String[] bad : new String[][] {
                {"{not json", "the body is not JSON"}, {"{\"labels\": 3}", "labels: give a list"},
                {"[{\"box\": [0, 0, 1, 1]}]", "labels[0].label: give the class"},
                {"[{\"label\": \"cat\"}]", "labels[0].box: give [xmin, ymin, xmax, ymax]"},
                {"[{\"label\": \"cat\", \"box\": [0, 0, 1.2, 1]}]", "labels[0].box: [0,0,1.2,1] is not within 0..1"},
                {"[{\"label\": \"cat\", \"box\": [0.5, 0, 0.4, 1]}]", "has xmax <= xmin"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleRoutes.labels(bad[0], true), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleRoutes.labels("[{\"label\": \"pizza\", \"box\": [0, 0, 1, 1]}]", false));
        assertEquals("labels[0].box: a classifier's label is the whole frame; send no box", e.getMessage());
    }

    @Test
    void samplesAreListedFilteredPagedLabelledAndDeletedBehindTheGate() throws Exception {
        Path ds = tmp.resolve("ds"), photos = Files.createDirectories(tmp.resolve("photos"));
        Files.copy(TestData.image("cat.bmp"), photos.resolve("cat.bmp"));
        List<String> ids = prefill(ds);
        Path token = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        VigilConfig cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups: { animal: { labels: [dog, cat], min_score: 0.5 } }
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false },
                            flicker: { enabled: false }, novelty: { enabled: false } } }
                gpio: { mock: true, outputs: { pusher: { pin: 25, kind: relay } }, inputs: { barrier: { pin: 5, kind: trigger } } }
                qc: { door: { trigger: barrier, reject: pusher, ok_labels: [dog], ng_labels: [cat] } }
                """.formatted(tmp.resolve("events"), token, photos, ds), tmp, Map.of());
        try (Vigil d = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(60)));
            base = "http://127.0.0.1:" + d.http().port();
            assertEquals(401, get("/api/samples", false).statusCode(), "a read needs the credential too");

            JsonNode all = JSON.readTree(get("/api/samples", true).body());
            assertEquals(ids.reversed(), texts(all.get("items"), "id"), "unlabelled, newest first");
            assertEquals(4, all.get("total").asInt());
            assertEquals("/api/samples/" + ids.get(3) + "/image.jpg", all.get("items").get(0).get("image_url").asText());
            assertEquals("[\"cat\",\"dog\"]", all.at("/cameras/door/classes").toString(), "the classes of the camera's groups");
            assertEquals("{\"ok\":[\"dog\"],\"ng\":[\"cat\"]}", all.at("/cameras/door/qc").toString(), "a QC station's OK and NG labels");
            JsonNode page = JSON.readTree(get("/api/samples?offset=1&limit=2", true).body());
            assertEquals(List.of(ids.get(2), ids.get(1)), texts(page.get("items"), "id"));
            assertEquals(4, page.get("total").asInt());
            assertEquals(List.of(ids.get(3)), texts(JSON.readTree(get("/api/samples?label=Pizza", true).body()).get("items"), "id"));
            assertEquals(List.of(ids.get(3)), texts(JSON.readTree(get("/api/samples?strategy=qc", true).body()).get("items"), "id"));
            assertEquals(List.of(ids.get(1)), texts(JSON.readTree(get("/api/samples?from=2026-11-22&to=2026-11-22", true).body()).get("items"), "id"));
            assertEquals(List.of(ids.get(3), ids.get(2)), texts(JSON.readTree(get("/api/samples?from=2026-11-23", true).body()).get("items"), "id"));
            assertEquals(List.of(), texts(JSON.readTree(get("/api/samples?camera=yard", true).body()).get("items"), "id"));
            assertEquals("limit: \"0\" is not a whole number 1..200\n", get("/api/samples?limit=0", true).body());
            assertEquals("from: \"yesterday\" is not a day like 2026-11-30 (UTC)\n", get("/api/samples?from=yesterday", true).body());
            assertEquals(400, get("/api/samples?state=maybe", true).statusCode());

            HttpResponse<byte[]> img = client.send(request("/api/samples/" + ids.getFirst() + "/image.jpg", true).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, img.statusCode());
            assertArrayEquals(Files.readAllBytes(TestData.image("dog_bicycle_car.jpg")), img.body());
            assertEquals(404, get("/api/samples/nope/image.jpg", true).statusCode());
            int escaped = get("/api/samples/..%2Fsamples%2F" + ids.getFirst() + "/image.jpg", true).statusCode();
            assertTrue(escaped == 400 || escaped == 404, "no way out of the store: " + escaped);

            String label = "/api/samples/" + ids.getFirst() + "/label", box = "{\"labels\": [{\"label\": \"cat\", \"box\": [0.1, 0.2, 0.5, 0.9]}]}";
            refused(post(label, box, false), 401, "a command needs the token");
            refused(post(label, "{\"labels\": [{\"label\": \"cat\"}]}", true), 400, "labels[0].box");
            refused(post("/api/samples/nope/label", box, true), 404, "no sample nope");
            refused(post("/api/samples/" + ids.get(3) + "/label", box, true), 400, "a classifier's label is the whole frame");
            assertEquals(405, get(label, true).statusCode(), "a command is a POST");
            HttpResponse<String> ok = post(label, box, true);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("sample " + ids.getFirst() + " labelled: 1 box(es) [cat]", JSON.readTree(ok.body()).get("message").asText());
            Sample s = SampleStore.open(ds, Long.MAX_VALUE, EventFiles.local()).get(ids.getFirst());
            assertEquals("cat", s.labels().getFirst().label());
            assertArrayEquals(new double[] {0.1, 0.2, 0.5, 0.9}, s.labels().getFirst().box());
            assertEquals(List.of(ids.get(3), ids.get(2), ids.get(1)), texts(JSON.readTree(get("/api/samples", true).body()).get("items"), "id"));
            assertEquals(List.of(ids.getFirst()), texts(JSON.readTree(get("/api/samples?state=labelled", true).body()).get("items"), "id"));

            // The page's session: the cookie alone is what a forged cross-site POST carries; the page's header is needed too.
            HttpResponse<String> in = client.send(StatusServerAuthTest.login(base, AccessTest.TOKEN), HttpResponse.BodyHandlers.ofString());
            String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
            cookie = cookie.substring(0, cookie.indexOf(';'));
            refused(client.send(request("/api/samples/" + ids.get(1) + "/delete", false).header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 403, "X-Vigil-Request: 1");
            assertTrue(d.samples().contains(ids.get(1)), "nothing refused deleted anything");
            HttpResponse<String> gone = client.send(request("/api/samples/" + ids.get(1) + "/delete", false).header("Cookie", cookie)
                    .header("X-Vigil-Request", "1").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, gone.statusCode(), gone.body());
            assertFalse(d.samples().contains(ids.get(1)));
            assertFalse(Files.exists(ds.resolve("samples/" + ids.get(1) + ".jpg")));
            refused(post("/api/samples/" + ids.get(1) + "/delete", "", true), 404, "no sample");
        }
    }

    /** Three detector samples of door on three days and a classifier sample (pizza, tag qc), oldest first. */
    static List<String> prefill(Path ds) throws Exception {
        SampleStore store = SampleStore.open(ds, Long.MAX_VALUE, EventFiles.local());
        byte[] jpeg = Files.readAllBytes(TestData.image("dog_bicycle_car.jpg"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Instant t = Instant.parse("2026-11-21T08:00:00Z").plus(Duration.ofHours(20L * i));
            boolean qc = i == 3;
            Sample s = new Sample(Sample.id(t, "door", Integer.toString(i + 1)), t, "door", "p.jpg", qc ? "qc" : "near_threshold",
                    List.of(qc ? "qc" : "near_threshold"), "ssd", "b".repeat(64), qc ? "classifier" : "detector", 768, 576,
                    List.of(qc ? new Sample.Box("pizza", 0.5, null) : new Sample.Box("dog", 0.55, new double[] {0.1, 0.3, 0.45, 0.95})),
                    null, null, null, i);
            store.add(s, jpeg);
            ids.add(s.id());
        }
        return ids;
    }

    static List<String> texts(JsonNode items, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : items) out.add(n.get(field).asText());
        return out;
    }

    HttpRequest.Builder request(String path, boolean token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token) b.header("Authorization", "Bearer " + AccessTest.TOKEN);
        return b;
    }

    HttpResponse<String> get(String path, boolean token) throws Exception {
        return client.send(request(path, token).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, boolean token) throws Exception {
        return client.send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
