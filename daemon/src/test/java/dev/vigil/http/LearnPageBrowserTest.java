package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.learn.LearnJobs;
import dev.vigil.model.ModelStore;
import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review page's learn in headless Chromium: a name typed, one click, and the page shows what was learned and how well. */
class LearnPageBrowserTest {

    @TempDir
    Path tmp;

    final String name = "page-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void removeLearnedModel() throws Exception {
        Path dir = ModelStore.fromEnvironment().learnedDir().resolve(name);
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void oneClickLearnsFromTheLabelledSamplesAndThePageSaysWhichHeadWasKept() throws Exception {
        Cdp.assumeChromium();
        Path ds = tmp.resolve("ds"), photos = Files.createDirectories(tmp.resolve("photos"));
        Files.copy(TestData.image("cat.bmp"), photos.resolve("cat.bmp"));
        int labelled = LearnRoutesTest.prefill(ds, false);
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
                """.formatted(tmp.resolve("events"), token, photos, ds), tmp, Map.of());
        try (Vigil d = Wiring.start(cfg, Wiring.Parts.forTest(ModelStore.fromEnvironment()).withOnce(true));
             Cdp b = Cdp.launch(tmp.resolve("chromium-profile"), tmp.resolve("chromium.log"))) {
            assertTrue(d.awaitStopped(Duration.ofSeconds(60)));
            String page = b.open("http://127.0.0.1:" + d.http().port() + "/review");
            assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/login"), "sent to the login form");
            b.eval(page, "document.getElementById('password').value = '" + AccessTest.TOKEN + "'; document.querySelector('form.login').submit(); 'sent'");
            assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/"), "back after the login");
            b.eval(page, "location.assign('/review'); 'going'");
            assertTrue(StatusPageBrowserTest.awaitPath(b, page, "/review"), "on the review page");
            assertTrue(StatusPageBrowserTest.awaitEval(b, page, "!document.getElementById('learn').hidden"), "the learn action is shown with sampling on");

            b.eval(page, "document.getElementById('learn-name').focus(); 'focused'");
            b.type(page, name);
            JsonNode r = b.eval(page, "(r => [r.left + r.width / 2, r.top + r.height / 2])(document.getElementById('learn-go').getBoundingClientRect())");
            b.click(page, r.get(0).asDouble(), r.get(1).asDouble());
            assertTrue(StatusPageBrowserTest.awaitEval(b, page, "document.getElementById('learn').dataset.state === 'done'"),
                    () -> "the page shows the end: " + text(b, page));
            String shown = text(b, page);
            LearnJobs.Status s = d.learning().status();
            assertEquals(LearnJobs.State.DONE, s.state(), shown);
            assertEquals(name, s.request().name());
            assertEquals(labelled, s.result().examples());
            assertTrue(shown.startsWith("learned " + name + " from " + labelled + " examples in "), shown);
            assertTrue(shown.contains(s.result().why()), "the page says which head was kept and why: " + shown);
            assertTrue(shown.contains("(validation: imprinting "), shown);
            assertTrue(Files.isRegularFile(ModelStore.fromEnvironment().learnedHead(name)));
            Files.write(Path.of("target", "review-page-learn.png"), b.screenshot(page));
        }
    }

    static String text(Cdp b, String page) {
        try {
            return b.eval(page, "document.getElementById('learn-status').textContent").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
