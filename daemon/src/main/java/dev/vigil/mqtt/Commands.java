package dev.vigil.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
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
 * </pre>
 * A malformed command or an unknown camera or output gets one error answer and one log line; nothing else changes.
 * Runs on the MQTT worker thread.
 */
public final class Commands {

    private static final Logger log = LoggerFactory.getLogger(Commands.class);

    /** The GPIO outputs a command may pulse or reset (absent without a gpio: section). */
    public interface Outputs {
        Collection<String> names();

        void pulse(String output, Duration length);

        void reset();
    }

    /** The live frame of a camera as a JPEG, or null when none was seen yet. */
    @FunctionalInterface
    public interface Snapshots {
        byte[] take(String camera);
    }

    private final MqttBridge b;

    Commands(MqttBridge b) {
        this.b = b;
    }

    void subscribe(MqttLink link) {
        String p = b.topics.prefix();
        for (String f : new String[] {p + "/+/armed/set", p + "/+/detect/set", p + "/+/snapshot/take", p + "/output/+/pulse", p + "/outputs/reset"})
            link.subscribe(f);
    }

    void handle(String topic, byte[] raw) {
        String p = b.topics.prefix() + "/";
        if (!topic.startsWith(p)) return;
        String[] parts = topic.substring(p.length()).split("/", -1);
        String payload = new String(raw, StandardCharsets.UTF_8).strip();
        String cmd = topic.substring(p.length());
        try {
            if (parts.length == 3 && parts[0].equals("output") && parts[2].equals("pulse")) {
                pulse(parts[1], payload);
                ok(cmd, "output " + parts[1] + " pulsed");
            } else if (parts.length == 2 && parts[0].equals("outputs") && parts[1].equals("reset")) {
                outputs().reset();
                ok(cmd, "every output off");
            } else if (parts.length == 3) {
                String camera = parts[0];
                if (!b.vigil.cameras().containsKey(camera) || !b.vigil.cameras().get(camera).enabled())
                    throw new IllegalArgumentException("no camera " + camera + " (cameras: " + b.vigil.enabledCameras().stream().map(c -> c.name()).toList() + ")");
                switch (parts[1] + "/" + parts[2]) {
                    case "armed/set" -> {
                        if (onOff(payload)) b.parts.decisions().arm(camera, "mqtt");
                        else b.parts.decisions().disarm(camera, "mqtt");
                        b.state(b.topics.armed(camera), Payloads.text(onOff(payload) ? "ON" : "OFF"));
                        ok(cmd, "camera " + camera + " " + (onOff(payload) ? "armed" : "disarmed"));
                    }
                    case "detect/set" -> {
                        b.parts.decisions().detection(camera, onOff(payload), "mqtt");
                        b.state(b.topics.detect(camera), Payloads.text(onOff(payload) ? "ON" : "OFF"));
                        ok(cmd, "detection " + (onOff(payload) ? "on" : "off") + " for camera " + camera);
                    }
                    case "snapshot/take" -> {
                        byte[] jpeg = b.parts.snapshots() == null ? null : b.parts.snapshots().take(camera);
                        if (jpeg == null) throw new IllegalArgumentException("camera " + camera + " has no frame yet");
                        b.state(b.topics.cameraSnapshot(camera), jpeg);
                        ok(cmd, "snapshot of camera " + camera + " on " + b.topics.cameraSnapshot(camera));
                    }
                    default -> throw new IllegalArgumentException("unknown command; see the README's MQTT topics");
                }
            } else {
                throw new IllegalArgumentException("unknown command; see the README's MQTT topics");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            log.warn("mqtt: command {} refused: {}", cmd, e.getMessage());
            b.reply(b.topics.result(), Payloads.result(false, cmd, e.getMessage()));
        }
    }

    private void ok(String cmd, String message) {
        log.info("mqtt: command {}: {}", cmd, message);
        b.reply(b.topics.result(), Payloads.result(true, cmd, message));
    }

    private Outputs outputs() {
        if (b.parts.outputs() == null) throw new IllegalStateException("no GPIO outputs (no gpio: section)");
        return b.parts.outputs();
    }

    private void pulse(String output, String payload) {
        Outputs o = outputs();
        if (!o.names().contains(output)) throw new IllegalArgumentException("no output " + output + " (outputs: " + o.names() + ")");
        long ms;
        try {
            ms = payload.isEmpty() ? 1000 : Long.parseLong(payload);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + shorten(payload) + "\" is not a pulse length in ms (1..60000)");
        }
        if (ms < 1 || ms > 60_000) throw new IllegalArgumentException(ms + " is not a pulse length in ms (1..60000)");
        o.pulse(output, Duration.ofMillis(ms));
    }

    private static boolean onOff(String payload) {
        return switch (payload.toUpperCase(Locale.ROOT)) {
            case "ON" -> true;
            case "OFF" -> false;
            default -> throw new IllegalArgumentException("\"" + shorten(payload) + "\" is not ON or OFF");
        };
    }

    private static String shorten(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }
}
