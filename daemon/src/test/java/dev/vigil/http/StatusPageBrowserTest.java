package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alarm.AlarmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in headless Chromium, on a daemon replaying the test photos: a camera tile shows a live picture,
 * the events list fills with person and animal events and their thumbnails load, and the tile's button disarms and arms
 * the camera (its alarm state shown beside it). Saves a screenshot to target/status-page.png.
 */
class StatusPageBrowserTest {

    @TempDir
    Path tmp;

    /** What the test looks at on the page, as JSON. */
    static final String PROBE = """
            (() => {
              const live = document.querySelector('#cameras .tile img.live');
              const events = [...document.querySelectorAll('#events li.event')];
              const thumbs = [...document.querySelectorAll('#events img.thumb')];
              return JSON.stringify({
                tiles: document.querySelectorAll('#cameras .tile').length,
                live: !!live && live.complete !== undefined && live.naturalWidth > 0,
                liveMode: live ? live.dataset.mode : null,
                groups: [...new Set(events.map(e => e.dataset.group))],
                thumbs: thumbs.filter(i => i.complete && i.naturalWidth > 0).length,
                ready: document.getElementById('ready').textContent,
                figures: document.querySelectorAll('#figures .figure').length
              });
            })()
            """;

    @Test
    void theStatusPageShowsALiveTileAndFillsWithPersonAndAnimalEvents() throws Exception {
        try (LiveDaemon d = LiveDaemon.start(tmp, 4, true);
             Cdp browser = Cdp.launch(tmp.resolve("chromium-profile"), tmp.resolve("chromium.log"))) {
            String page = browser.open(d.base() + "/");
            pageFills(browser, page, "status-page.png");
            armButtonTurnsTheAlarm(browser, page, d);
        }
    }

    /**
     * A daemon that needs the token: the page sends the browser to the login form, the token as password brings it
     * back and the page fills as without a login; when the session ends, the page's next poll goes to the form again.
     */
    @Test
    void behindTheLoginTheTokenOpensThePageAndAnEndedSessionGoesBackToTheForm() throws Exception {
        Path file = Files.writeString(tmp.resolve("http-token"), AccessTest.TOKEN + "\n");
        try (LiveDaemon d = LiveDaemon.start(tmp, LiveDaemon.photos(4, true), ", auth: token, token_file: " + file);
             Cdp browser = Cdp.launch(tmp.resolve("chromium-profile"), tmp.resolve("chromium.log"))) {
            String page = browser.open(d.base() + "/");
            assertTrue(awaitPath(browser, page, "/login"), "sent to the login form");
            browser.eval(page, "document.getElementById('password').value = '" + AccessTest.TOKEN + "';"
                    + " document.querySelector('form.login').submit(); 'sent'");
            assertTrue(awaitPath(browser, page, "/"), "back on the page after the login");
            pageFills(browser, page, "status-page-login.png");
            armButtonTurnsTheAlarm(browser, page, d); // the session cookie and the page's request header
            browser.eval(page, "fetch('/logout', { method: 'POST' }).then(r => r.status)");
            assertTrue(awaitPath(browser, page, "/login"), "the page's poll after the logout goes to the form");
        }
    }

    /** The tile's button disarms the camera, then arms it again: the daemon's state and the page's label follow. */
    static void armButtonTurnsTheAlarm(Cdp browser, String page, LiveDaemon d) throws Exception {
        String tile = "document.querySelector('#cameras .tile')";
        for (boolean arm : new boolean[] {false, true}) {
            String label = arm ? "Arm" : "Disarm";
            assertTrue(awaitEval(browser, page, tile + ".querySelector('button.arm').textContent === '" + label + "'"), "the button says " + label);
            browser.eval(page, tile + ".querySelector('button.arm').click(); 'clicked'");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((d.vigil.decisions().alarmState("door") == AlarmState.DISARMED) != !arm && System.nanoTime() < deadline) Thread.sleep(50);
            AlarmState now = d.vigil.decisions().alarmState("door");
            assertEquals(!arm, now == AlarmState.DISARMED, "after the click on " + label + ": " + now + "; page note: "
                    + browser.eval(page, tile + ".querySelector('.note').textContent").asText());
            String shown = arm ? "['ARMED', 'TRIGGERED', 'COOLDOWN'].includes(t.textContent)" : "t.textContent === 'DISARMED'";
            assertTrue(awaitEval(browser, page, "(t => " + shown + ")(" + tile + ".querySelector('.alarm'))"), "the page shows " + (arm ? "armed" : "DISARMED"));
        }
    }

    static boolean awaitEval(Cdp browser, String page, String condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (browser.eval(page, condition).asBoolean()) return true;
            Thread.sleep(100);
        }
        return false;
    }

    static boolean awaitPath(Cdp browser, String page, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (path.equals(browser.eval(page, "document.readyState === 'complete' ? location.pathname : ''").asText())) return true;
            } catch (AssertionError navigating) {
                // the page was replaced while the expression ran
            }
            Thread.sleep(200);
        }
        return false;
    }

    static void pageFills(Cdp browser, String page, String screenshot) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode seen = null;
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            seen = json.readTree(browser.eval(page, PROBE).asText());
            boolean groups = seen.get("groups").toString().contains("\"person\"") && seen.get("groups").toString().contains("\"animal\"");
            if (seen.get("live").asBoolean() && groups && seen.get("thumbs").asInt() > 0 && seen.get("ready").asText().equals("ready")) break;
        }
        Path shot = Path.of("target", screenshot);
        Files.write(shot, browser.screenshot(page));
        System.out.println("status page: " + seen + "; screenshot " + shot.toAbsolutePath());
        assertTrue(seen != null && seen.get("tiles").asInt() == 1, "one camera tile: " + seen);
        assertTrue(seen.get("live").asBoolean(), "the tile shows a live picture: " + seen);
        assertTrue(seen.get("groups").toString().contains("\"person\""), "person events listed: " + seen);
        assertTrue(seen.get("groups").toString().contains("\"animal\""), "animal events listed: " + seen);
        assertTrue(seen.get("thumbs").asInt() > 0, "a thumbnail loaded: " + seen);
        assertTrue(seen.get("ready").asText().equals("ready"), "the badge says ready: " + seen);
        assertTrue(seen.get("figures").asInt() >= 4, "key figures shown: " + seen);
        assertTrue(Files.size(shot) > 10_000, "a real screenshot");
    }
}
