package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.capture.CameraStats;
import dev.vigil.daemon.Vigil;
import dev.vigil.metrics.FrameMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code vigil run --once} did, one line per camera on stdout: readable, or one JSON object per line with
 * {@code --json}. Read after the daemon closed, so every event the run raised is counted.
 *
 * @param skipped frames not analysed on purpose (no motion, a wake input at rest, a QC camera waiting for a part)
 * @param dropped frames overwritten by a newer one before inference took them
 */
record OnceSummary(String camera, String state, long captured, long processed, long skipped, long dropped,
                   long undecodable, long reconnects, long events, long errors) {

    static List<OnceSummary> of(Vigil v) {
        FrameMeters m = v.frames();
        List<OnceSummary> out = new ArrayList<>();
        for (CameraStats s : v.cameraStats()) {
            String c = s.camera();
            out.add(new OnceSummary(c, s.state().name().toLowerCase(Locale.ROOT), s.captured(), m.processed(c),
                    m.motionSkipped(c) + m.gateSkipped(c), s.dropped(), s.decodeErrors(), s.reconnects(), m.events(c), m.errors(c)));
        }
        return out;
    }

    /** {@code door: ended; 10 frames read, 10 analysed, 0 skipped, 0 dropped, 1 undecodable, 0 reconnects; 5 events} */
    String text() {
        return camera + ": " + state + "; " + captured + " frames read, " + processed + " analysed, " + skipped + " skipped, "
                + dropped + " dropped, " + undecodable + " undecodable, " + reconnects + " reconnects; " + events
                + (events == 1 ? " event" : " events") + (errors == 0 ? "" : ", " + errors + (errors == 1 ? " error" : " errors"));
    }

    String json() {
        ObjectNode o = ImageCommand.JSON.objectNode();
        o.put("camera", camera);
        o.put("state", state);
        o.put("captured", captured);
        o.put("processed", processed);
        o.put("skipped", skipped);
        o.put("dropped", dropped);
        o.put("undecodable", undecodable);
        o.put("reconnects", reconnects);
        o.put("events", events);
        o.put("errors", errors);
        return o.toString();
    }
}
