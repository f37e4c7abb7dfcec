package dev.vigil.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.control.Control;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands over HTTP, after the gate let the POST through (credential, request header). Each maps a path to the one
 * validated operation of {@link Control} that MQTT's commands use too, and answers one line of JSON
 * {@code {"ok", "command", "message"}} (the MQTT result payload), or the JPEG for a snapshot:
 * <pre>
 * POST /api/cameras/{name}/armed      ON | OFF | {"armed": true}    arm / disarm           200, 400, 404
 * POST /api/cameras/{name}/detect     ON | OFF | {"detect": true}   detection on / off     200, 400, 404
 * POST /api/cameras/{name}/snapshot   (empty)                       the live frame (JPEG)  200, 404, 409
 * POST /api/outputs/{name}/pulse      ms | {"ms": 500} | (empty: 1000)                     200, 400, 404, 409
 * POST /api/outputs/reset             (empty)                       every output off       200, 409
 * POST /api/reload                     (empty)                       re-read the config     200, 400
 * POST /api/events/{id}/feedback      false_alarm | miss | {"feedback": "miss"}  keep its frame  200, 400, 404, 409
 * POST /api/models/deploy             NAME | PATH | {"model": .., "accept_disagreement": true}
 *                                                                   hot swap of the model  200 switched, 409 refused, 400
 * </pre>
 * A refused command (malformed body, unknown camera or output, no GPIO) changes nothing and logs one line.
 */
final class ControlRoutes {

    private static final Logger log = LoggerFactory.getLogger(ControlRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_BODY = 1024;

    private final Control control;
    private final java.util.function.Function<String, dev.vigil.daemon.Reload.Result> reload; // null: not wired

    ControlRoutes(Control control, java.util.function.Function<String, dev.vigil.daemon.Reload.Result> reload) {
        this.control = control;
        this.reload = reload;
    }

    /** Whether {@code path} is a command (whatever the method: a GET gets 405, not the read-only routes). */
    static boolean matches(String path) {
        if (path.equals("/api/outputs/reset") || path.equals("/api/reload") || path.equals("/api/models/deploy")) return true;
        String[] seg = path.split("/", -1);
        if (seg.length != 5 || !seg[0].isEmpty() || !seg[1].equals("api") || seg[3].isEmpty()) return false;
        return seg[2].equals("cameras") && (seg[4].equals("armed") || seg[4].equals("detect") || seg[4].equals("snapshot"))
                || seg[2].equals("outputs") && seg[4].equals("pulse")
                || seg[2].equals("events") && seg[4].equals("feedback");
    }

    void handle(Exchange ex) throws IOException {
        String command = ex.path().substring("/api/".length());
        String who = "http " + ex.client();
        String body = ex.body(MAX_BODY);
        if (body == null) {
            refuse(ex, command, 413, "the body is longer than " + MAX_BODY + " bytes");
            return;
        }
        if (command.equals("reload")) {
            reload(ex, who);
            return;
        }
        if (control == null) {
            refuse(ex, command, 503, "remote control is not wired in this process");
            return;
        }
        String[] seg = ex.path().split("/", -1);
        try {
            if (command.equals("outputs/reset")) {
                ex.json(200, answer(ex, command, control.reset()));
                return;
            }
            if (command.equals("models/deploy")) {
                dev.vigil.swap.DeployResult r = control.deploy(Control.deployRequest(body, who));
                // The swap logged the outcome; the answer carries it and the model that runs now.
                ObjectNode o = JSON.createObjectNode().put("ok", r.ok()).put("command", command).put("message", r.message());
                o.putObject("model").put("name", r.model().name()).put("sha256", r.model().sha256());
                if (!Double.isNaN(r.agreement())) o.put("agreement", r.agreement());
                ex.json(r.ok() ? 200 : 409, o);
                return;
            }
            String name = seg[3];
            switch (seg[2] + "/" + seg[4]) {
                case "events/feedback" -> ex.json(200, answer(ex, command, control.feedback(name, body, who)));
                case "outputs/pulse" -> ex.json(200, answer(ex, command, control.pulse(name, Control.pulseMs(body))));
                case "cameras/armed" -> {
                    control.camera(name); // an unknown camera is a 404 before a malformed body is a 400
                    String message = control.armed(name, Control.onOff(body, "armed"), who);
                    ex.json(200, answer(ex, command, message).put("alarm", control.alarmState(name)));
                }
                case "cameras/detect" -> {
                    control.camera(name);
                    String message = control.detection(name, Control.onOff(body, "detect"), who);
                    ex.json(200, answer(ex, command, message).put("detecting", control.detecting(name)));
                }
                case "cameras/snapshot" -> {
                    byte[] jpeg = control.snapshot(name);
                    log.info("http: command {} from {}: snapshot of camera {}", command, ex.client(), name);
                    ex.header("Cache-Control", "no-store").send(200, "image/jpeg", jpeg);
                }
                default -> throw new IllegalStateException("matches() let " + command + " through");
            }
        } catch (Control.Refused e) {
            refuse(ex, command, switch (e.reason()) {
                case MALFORMED -> 400;
                case UNKNOWN -> 404;
                case UNAVAILABLE -> 409;
            }, e.getMessage());
        }
    }

    /** 200 with what changed, or 400 with the one line that names the key (nothing changed). */
    private void reload(Exchange ex, String who) throws IOException {
        if (reload == null) {
            refuse(ex, "reload", 503, "reload is not wired in this process");
            return;
        }
        dev.vigil.daemon.Reload.Result r = reload.apply(who);
        ObjectNode o = JSON.createObjectNode().put("ok", r.ok()).put("command", "reload").put("message", r.message()).put("sha256", r.sha256());
        r.applied().forEach(o.putArray("applied")::add);
        r.restartNeeded().forEach(o.putArray("restart_needed")::add);
        ex.json(r.ok() ? 200 : 400, o); // the reload logged its own line either way
    }

    private static ObjectNode answer(Exchange ex, String command, String message) {
        log.info("http: command {} from {}: {}", command, ex.client(), message);
        return JSON.createObjectNode().put("ok", true).put("command", command).put("message", message);
    }

    /** One line of JSON and one log line; nothing changed. */
    static void refuse(Exchange ex, String command, int code, String message) throws IOException {
        String c = Control.shorten(command);
        log.warn("http: command {} from {} refused ({}): {}", c, ex.client(), code, message);
        ex.json(code, JSON.createObjectNode().put("ok", false).put("command", c).put("message", message));
    }
}
