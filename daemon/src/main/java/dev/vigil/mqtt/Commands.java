package dev.vigil.mqtt;

import dev.vigil.control.Control;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote commands, each answered on {@code <prefix>/result} with {@code {"ok", "command", "message"}}:
 * <pre>
 * &lt;prefix&gt;/&lt;camera&gt;/armed/set      ON | OFF    arm / disarm the camera's alarm
 * &lt;prefix&gt;/&lt;camera&gt;/detect/set     ON | OFF    detection on / off (frames skip inference while off)
 * &lt;prefix&gt;/&lt;camera&gt;/snapshot/take  anything    the live frame now, on &lt;prefix&gt;/&lt;camera&gt;/snapshot (retained)
 * &lt;prefix&gt;/output/&lt;name&gt;/pulse      ms (1..60000, empty: 1000)
 * &lt;prefix&gt;/outputs/reset          anything    every output off, latches released
 * &lt;prefix&gt;/model/deploy            NAME | PATH | {"model": ..., "accept_disagreement": true}   hot swap of the model
 * </pre>
 * A deploy answers once its self-test is done (seconds), from a thread of its own: the worker goes on meanwhile.
 * A malformed command or an unknown camera or output gets one error answer and one log line; nothing else changes.
 * The operations and their checks are {@link Control}'s, shared with the HTTP endpoints; this class maps topics to them
 * and keeps the retained state of the topics a command changes. Runs on the MQTT worker thread.
 */
public final class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    private final MqttBridge b;

    Commands(MqttBridge b) {
        this.b = b;
    }

    void subscribe(MqttLink link) {
        String p = b.topics.prefix();
        for (String f : new String[] {p + "/+/armed/set", p + "/+/detect/set", p + "/+/snapshot/take", p + "/output/+/pulse", p + "/outputs/reset",
                p + "/event/+/feedback",
                b.topics.modelDeploy()})
            link.subscribe(f);
    }

    void handle(String topic, byte[] raw) {
        String p = b.topics.prefix() + "/";
        if (!topic.startsWith(p)) return;
        String[] parts = topic.substring(p.length()).split("/", -1);
        String payload = new String(raw, StandardCharsets.UTF_8).strip();
        String cmd = topic.substring(p.length());
        try {
            Control c = control();
            if (parts.length == 3 && parts[0].equals("output") && parts[2].equals("pulse")) {
                ok(cmd, c.pulse(parts[1], Control.pulseMs(payload)));
            } else if (parts.length == 3 && parts[0].equals("event") && parts[2].equals("feedback")) {
                ok(cmd, c.feedback(parts[1], payload, "mqtt"));
            } else if (parts.length == 2 && parts[0].equals("outputs") && parts[1].equals("reset")) {
                ok(cmd, c.reset());
            } else if (parts.length == 2 && parts[0].equals("model") && parts[1].equals("deploy")) {
                dev.vigil.swap.DeployRequest request = Control.deployRequest(payload, "mqtt");
                c.deployable();
                Thread.ofPlatform().name("vigil-deploy").daemon(true).start(() -> {
                    dev.vigil.swap.DeployResult r = c.deploy(request);
                    b.run(() -> b.reply(b.topics.result(), Payloads.result(r.ok(), cmd, r.message())));
                });
            } else if (parts.length == 3) {
                String camera = parts[0];
                c.camera(camera);
                switch (parts[1] + "/" + parts[2]) {
                    case "armed/set" -> {
                        boolean on = Control.onOff(payload, "armed");
                        String message = c.armed(camera, on, "mqtt");
                        b.state(b.topics.armed(camera), Payloads.text(on ? "ON" : "OFF"));
                        ok(cmd, message);
                    }
                    case "detect/set" -> {
                        boolean on = Control.onOff(payload, "detect");
                        String message = c.detection(camera, on, "mqtt");
                        b.state(b.topics.detect(camera), Payloads.text(on ? "ON" : "OFF"));
                        ok(cmd, message);
                    }
                    case "snapshot/take" -> {
                        b.state(b.topics.cameraSnapshot(camera), c.snapshot(camera));
                        ok(cmd, "snapshot of camera " + camera + " on " + b.topics.cameraSnapshot(camera));
                    }
                    default -> throw new IllegalArgumentException("unknown command; see the README's MQTT topics");
                }
            } else {
                throw new IllegalArgumentException("unknown command; see the README's MQTT topics");
            }
        } catch (IllegalArgumentException e) {
            log.warn("mqtt: command {} refused: {}", cmd, e.getMessage());
            b.reply(b.topics.result(), Payloads.result(false, cmd, e.getMessage()));
        }
    }

    private void ok(String cmd, String message) {
        log.info("mqtt: command {}: {}", cmd, message);
        b.reply(b.topics.result(), Payloads.result(true, cmd, message));
    }

    private Control control() {
        if (b.parts.control() == null) throw new IllegalArgumentException("remote control is not wired in this process");
        return b.parts.control();
    }
}
