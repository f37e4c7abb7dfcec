package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A quality-control station on one camera (top-level {@code qc: {CAMERA: {...}}}): a trigger input's rising edge takes
 * the next frame, its classification becomes OK, NG or UNCERTAIN, and an NG part is pushed off the line by
 * {@code reject} {@code delay} after the edge.
 *
 * @param trigger     the name of a trigger input under {@code gpio.inputs}
 * @param reject      the name of an output under {@code gpio.outputs}
 * @param okLabels    labels of a good part (empty: a part is OK when it is not NG)
 * @param ngLabels    labels of a bad part (empty: a part is NG when it is not OK)
 * @param maxWait     a part without a frame captured within this time after its edge is UNCERTAIN
 * @param audit       the audit journal (one JSON line per part); snapshots are written beside it
 */
public record QcConfig(String camera, String trigger, String reject, Duration delay, Duration pulse, Set<String> okLabels,
                       Set<String> ngLabels, float okMinScore, float ngMinScore, Duration maxWait, boolean rejectUncertain,
                       Path audit, Snapshots snapshots) {

    public QcConfig {
        Check.millis("delay_ms", delay, 0, 600_000);
        Check.millis("pulse_ms", pulse, 1, 60_000);
        if (okLabels.isEmpty() && ngLabels.isEmpty()) throw ConfigException.at("", "give ok_labels or ng_labels (or both): the labels of a good or a bad part");
        for (String l : okLabels) if (ngLabels.contains(l)) throw ConfigException.at("ng_labels", "\"" + l + "\" is also an ok label");
        Check.score("ok_min_score", okMinScore);
        Check.score("ng_min_score", ngMinScore);
        Check.millis("max_wait_ms", maxWait, 1, 600_000);
    }

    /** Which parts get their picture beside the audit journal. */
    public enum Snapshots { ALL, NG, NONE }
}
