package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.cli.Main;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.Event;
import dev.vigil.events.EventFiles;
import dev.vigil.model.ModelStore;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The review page in headless Chromium, behind the login: a person confirms one pre-label, changes one box's class,
 * draws one box (and moves it), deletes one box, picks a classifier's class and marks one event as a false alarm (then its kept frame as holding nothing), all
 * with keys and clicks; `vigil dataset export --format coco` then holds exactly those labels.
 */
class ReviewPageBrowserTest {

    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] DOG = {0.1, 0.3, 0.45, 0.95}, BICYCLE = {0.15, 0.2, 0.8, 0.9}, DRAWN = {0.5, 0.03, 0.6, 0.15};
    static final int W = 768, H = 576; // dog_bicycle_car.jpg
    static final double MOVED = 0.05;

    Cdp browser;
    String page;

    @Test
    void labelsMadeWithKeysAndClicksAreExactlyTheLabelsOfTheCocoExport() throws Exception {
        Cdp.assumeChromium();
        Path ds = tmp.resolve("ds");
        Map<String, String> id = prefill(ds);
        Path token = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        VigilConfig cfg = ConfigLoader.parse("""
                model: ssd_mobilenet_v1_coco_quant
                events: { dir: %s }
                http: { listen: "127.0.0.1:0", auth: token, token_file: %s }
                cameras:
                  door:
                    source: { folder: %s, fps: 20, loop: false }
                    groups:
                      person: { labels: [person], min_score: 0.5 }
                      animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                    cooldown_s: 0
                    tracking: false
                sampling: { enabled: true, dir: %s, strategies: { random: { enabled: false }, near_threshold: { enabled: false } } }
                """.formatted(tmp.resolve("events"), token, TestData.images().toAbsolutePath(), ds), tmp, Map.of());
        try (Vigil d = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(90)), "--once did not finish: " + d.cameraStats());
            d.bus().close(); // every event written and every fired frame held for feedback
            Event cat = d.events().recent(100).stream().filter(e -> e.sourceRef().equals("cat.bmp")).findFirst()
                    .orElseThrow(() -> new AssertionError("no event of cat.bmp: " + d.events().recent(100)));
            SampleStore live = d.samples();
            try (Cdp b = Cdp.launch(tmp.resolve("chromium-profile"), tmp.resolve("chromium.log"))) {
                browser = b;
                page = b.open("http://127.0.0.1:" + d.http().port() + "/review");
                assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/login"), "sent to the login form");
                b.eval(page, "document.getElementById('password').value = '" + AccessTest.TOKEN + "'; document.querySelector('form.login').submit(); 'sent'");
                assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/"), "back after the login");
                b.eval(page, "location.assign('/review'); 'going'");
                assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/review"), "on the review page");

                open(id.get("confirm"));
                b.key(page, "Enter"); // the pre-label as it is
                await(() -> live.get(id.get("confirm")).labelled(), "the confirmed sample is labelled");

                open(id.get("reclass"));
                clickFrame(0.12, 0.6); // inside the dog's box only
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "!!document.querySelector('#stage .box.selected[data-label=\"dog\"]')"), "the dog's box selected");
                b.key(page, classKey("cat"));
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "!!document.querySelector('#stage .box.selected[data-label=\"cat\"]')"), () -> "now a cat: " + state());
                b.key(page, "Enter");
                await(() -> live.get(id.get("reclass")).labelled(), "the changed class is saved");

                open(id.get("drawn"));
                double[] from = framePoint(DRAWN[0], DRAWN[1]), to = framePoint(DRAWN[2], DRAWN[3]);
                b.drag(page, from[0], from[1], to[0], to[1]);
                assertEquals(3, b.eval(page, "document.querySelectorAll('#stage .box').length").asInt(), "a third box drawn");
                b.key(page, classKey("person"));
                for (int i = 0; i < 5; i++) b.key(page, "ArrowRight"); // moved by 5 x 1% of the width
                b.key(page, "Enter");
                await(() -> live.get(id.get("drawn")).labelled(), "the drawn box is saved");

                open(id.get("unboxed"));
                clickFrame(0.7, 0.5); // inside the bicycle's box only
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "!!document.querySelector('#stage .box.selected[data-label=\"bicycle\"]')"), "the bicycle's box selected");
                b.key(page, "Delete");
                b.key(page, "Enter");
                await(() -> live.get(id.get("unboxed")).labelled(), "the sample without the bicycle is saved");

                open(id.get("classified")); // a classifier's frame: its class, then another typed in
                b.key(page, classKey("cat"));
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "document.getElementById('caption').textContent.endsWith('class: cat')"), this::state);
                b.key(page, "o");
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "document.activeElement.id === 'other'"), this::state);
                b.type(page, "lynx");
                b.key(page, "Enter");
                assertTrue(StatusPageBrowserTest.awaitEval(b, page, "document.getElementById('caption').textContent.endsWith('class: lynx')"), this::state);
                b.key(page, "Enter");
                await(() -> live.get(id.get("classified")).labelled(), "the class is saved");

                open(id.get("skipped"));
                b.key(page, "s");

                open(cat.id()); // the event: f marks it a false alarm through the feedback path
                b.key(page, "f");
                await(() -> live.list().stream().anyMatch(s -> cat.id().equals(s.event()) && s.id().contains("-e")), "the event's frame kept");
                String kept = live.list().stream().filter(s -> cat.id().equals(s.event()) && s.id().contains("-e")).findFirst().orElseThrow().id();
                idle();
                b.eval(page, "document.getElementById('f-state').dispatchEvent(new Event('change')); 'reloaded'");
                open(kept);
                b.key(page, "f"); // on a sample: nothing there
                await(() -> live.get(kept).labelled(), "the kept frame labelled as holding nothing");
                Files.write(Path.of("target", "review-page.png"), b.screenshot(page));
                id.put("false_alarm", kept);
            }
            Sample fa = live.get(id.get("false_alarm"));
            assertEquals(List.of("false_alarm", cat.id(), "feedback"), List.of(fa.feedback(), fa.event(), fa.strategy()));
        }

        Map<String, JsonNode> images = export(ds);
        TreeSet<String> labelled = new TreeSet<>();
        images.forEach((k, v) -> { if (v.get("labelled").asBoolean()) labelled.add(k); });
        assertEquals(new TreeSet<>(List.of(id.get("confirm"), id.get("reclass"), id.get("drawn"), id.get("unboxed"), id.get("classified"),
                        id.get("false_alarm"))),
                labelled, "exactly the samples labelled on the page");
        assertEquals(List.of("bicycle " + box(BICYCLE), "dog " + box(DOG)), annotations(images.get(id.get("confirm"))));
        assertEquals(List.of("bicycle " + box(BICYCLE), "cat " + box(DOG)), annotations(images.get(id.get("reclass"))));
        assertEquals(List.of("dog " + box(DOG)), annotations(images.get(id.get("unboxed"))));
        assertEquals(List.of(), annotations(images.get(id.get("false_alarm"))), "a false alarm holds nothing");
        assertEquals(List.of("lynx " + box(new double[] {0, 0, 1, 1})), annotations(images.get(id.get("classified"))), "a class is the whole frame");
        List<String> drawn = annotations(images.get(id.get("drawn")));
        assertEquals(List.of("bicycle " + box(BICYCLE), "dog " + box(DOG)), drawn.subList(0, 2), drawn.toString());
        assertTrue(drawn.get(2).startsWith("person "), drawn.toString());
        double[] p = personBox(images.get(id.get("drawn")));
        double[] want = {(DRAWN[0] + MOVED) * W, DRAWN[1] * H, (DRAWN[2] - DRAWN[0]) * W, (DRAWN[3] - DRAWN[1]) * H};
        for (int i = 0; i < 4; i++) assertEquals(want[i], p[i], 0.01 * W, "the drawn and moved box, coordinate " + i + ": " + Arrays.toString(p));
        JsonNode skipped = images.get(id.get("skipped"));
        assertFalse(skipped.get("labelled").asBoolean());
        assertTrue(skipped.get("_annotations").findValues("score").size() == 2, "a skipped sample keeps its pre-labels with their scores");
    }

    /** Five unlabelled detector samples of the door camera, a dog and a bicycle predicted on each, and a classifier's sample. */
    Map<String, String> prefill(Path ds) throws Exception {
        SampleStore store = SampleStore.open(ds, Long.MAX_VALUE, EventFiles.local());
        byte[] jpeg = Files.readAllBytes(TestData.image("dog_bicycle_car.jpg"));
        Instant t = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> ids = new TreeMap<>();
        String[] names = {"confirm", "reclass", "drawn", "unboxed", "skipped"};
        for (int i = 0; i < names.length; i++) {
            List<Sample.Box> pred = List.of(new Sample.Box("dog", 0.55, DOG.clone()), new Sample.Box("bicycle", 0.62, BICYCLE.clone()));
            Sample s = new Sample(Sample.id(t.plusSeconds(i), "door", Integer.toString(i + 1)), t.plusSeconds(i), "door", "p" + i + ".jpg",
                    "near_threshold", List.of("near_threshold"), "ssd_mobilenet_v1_coco_quant", "b".repeat(64), "detector", W, H, pred,
                    null, null, null, i);
            store.add(s, jpeg);
            ids.put(names[i], s.id());
        }
        Sample c = new Sample(Sample.id(t.plusSeconds(names.length), "door", "c1"), t.plusSeconds(names.length), "door", "c.jpg", "random",
                List.of("random"), "mobilenet_v1_1.0_224_quant", "c".repeat(64), "classifier", W, H,
                List.of(new Sample.Box("dog", 0.6, null), new Sample.Box("cat", 0.3, null)), null, null, null, 9);
        store.add(c, jpeg);
        ids.put("classified", c.id());
        return ids;
    }

    /** Clicks the item in the queue and waits for the editor to show it. */
    void open(String itemId) throws Exception {
        idle();
        String li = "document.querySelector('#queue li[data-id=\"" + itemId + "\"]')";
        assertTrue(StatusPageBrowserTest.awaitEval(browser, page, "!!" + li), itemId + " is in the queue: "
                + state());
        browser.eval(page, li + ".scrollIntoView(); 'shown'");
        JsonNode r = rect(li);
        browser.click(page, r.get(0).asDouble() + 20, r.get(1).asDouble() + 10);
        assertTrue(StatusPageBrowserTest.awaitEval(browser, page,
                "document.getElementById('caption').textContent.includes('" + itemId + "') && document.getElementById('frame').complete"
                        + " && document.getElementById('frame').naturalWidth > 0"), () -> "the editor shows " + itemId + ": " + state());
    }

    /** Waits until no request of the page is under way (the queue may be redrawn when one ends). */
    void idle() throws Exception {
        assertTrue(StatusPageBrowserTest.awaitEval(browser, page, "!document.body.dataset.busy"), () -> "the page stays busy: " + state());
    }

    /** What the page shows, for a failure's message. */
    String state() {
        try {
            return browser.eval(page, "[document.getElementById('caption').textContent, document.getElementById('classes').innerText,"
                    + " document.getElementById('note').textContent, [...document.querySelectorAll('#stage .box')].map(b => b.className + ':' + b.dataset.label).join(' '),"
                    + " document.activeElement.tagName].join(' | ')").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    JsonNode rect(String element) throws Exception {
        return JSON.readTree(browser.eval(page, "(r => JSON.stringify([r.left, r.top, r.width, r.height]))(" + element + ".getBoundingClientRect())").asText());
    }

    double[] framePoint(double fx, double fy) throws Exception {
        JsonNode r = rect("document.getElementById('frame')");
        return new double[] {r.get(0).asDouble() + fx * r.get(2).asDouble(), r.get(1).asDouble() + fy * r.get(3).asDouble()};
    }

    void clickFrame(double fx, double fy) throws Exception {
        double[] p = framePoint(fx, fy);
        browser.click(page, p[0], p[1]);
    }

    /** The digit the page shows beside a class. */
    String classKey(String name) throws Exception {
        String key = browser.eval(page, "(c => c ? c.dataset.key : '')(document.querySelector('#classes li[data-class=\"" + name + "\"]'))").asText();
        assertFalse(key.isEmpty(), "the page offers the class " + name);
        return key;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s: " + what);
            Thread.sleep(50);
        }
    }

    /** `vigil dataset export --format coco`, every sample in train: each image by sample id, its annotations under _annotations. */
    Map<String, JsonNode> export(Path ds) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        Path dir = tmp.resolve("coco");
        assertEquals(0, cl.execute("dataset", "export", "--dir", ds.toString(), "--format", "coco", "--out", dir.toString(), "--val", "0"), err.toString());
        JsonNode doc = JSON.readTree(dir.resolve("train/_annotations.coco.json").toFile());
        Map<Long, String> classes = new TreeMap<>();
        for (JsonNode c : doc.get("categories")) classes.put(c.get("id").asLong(), c.get("name").asText());
        Map<String, JsonNode> images = new TreeMap<>();
        Map<Long, com.fasterxml.jackson.databind.node.ObjectNode> byId = new TreeMap<>();
        for (JsonNode i : doc.get("images")) {
            com.fasterxml.jackson.databind.node.ObjectNode n = i.deepCopy();
            n.putArray("_annotations");
            images.put(i.get("vigil_id").asText(), n);
            byId.put(i.get("id").asLong(), n);
        }
        for (JsonNode a : doc.get("annotations")) {
            com.fasterxml.jackson.databind.node.ObjectNode c = a.deepCopy();
            c.put("_name", classes.get(a.get("category_id").asLong()));
            ((com.fasterxml.jackson.databind.node.ArrayNode) byId.get(a.get("image_id").asLong()).get("_annotations")).add(c);
        }
        return images;
    }

    /** An image's annotations as {@code label x,y,w,h} (pixels, 1 decimal), sorted; the drawn one without its box. */
    static List<String> annotations(JsonNode image) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : image.get("_annotations")) {
            assertFalse(a.has("score") && image.get("labelled").asBoolean(), "a person's label carries no score: " + a);
            String name = a.get("_name").asText();
            out.add(name.equals("person") ? "person (drawn)" : name + " " + String.format("%.1f,%.1f,%.1f,%.1f", a.get("bbox").get(0).asDouble(),
                    a.get("bbox").get(1).asDouble(), a.get("bbox").get(2).asDouble(), a.get("bbox").get(3).asDouble()));
        }
        out.sort(null);
        return out;
    }

    static double[] personBox(JsonNode image) {
        for (JsonNode a : image.get("_annotations")) {
            if (a.get("_name").asText().equals("person")) {
                JsonNode b = a.get("bbox");
                return new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()};
            }
        }
        throw new AssertionError("no person box: " + image);
    }

    static String box(double[] n) {
        return String.format("%.1f,%.1f,%.1f,%.1f", n[0] * W, n[1] * H, (n[2] - n[0]) * W, (n[3] - n[1]) * H);
    }
}
