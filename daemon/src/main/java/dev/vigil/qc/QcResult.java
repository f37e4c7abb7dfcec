package dev.vigil.qc;

import java.time.Instant;

/**
 * One part through the station.
 *
 * @param part         1, 2, 3, ... per camera since start
 * @param edgeNanos    nanos of the trigger's rising edge (the station's time source)
 * @param frameNanos   capture time of the frame judged (0 when none came)
 * @param decidedNanos when the verdict was known (after inference)
 * @param pushAtNanos  when the reject push is due (edge + delay), 0 when the part is not pushed
 * @param late         the verdict came after the push was due: not pushed (the part had passed the rejector)
 * @param model        the model that judged the part's frame; null when no frame came
 */
public record QcResult(String camera, long part, Verdict verdict, String label, float score, Instant edgeTime,
                       long edgeNanos, long frameNanos, long decidedNanos, long pushAtNanos, boolean late, String sourceRef,
                       String reason, dev.vigil.pipeline.ModelId model) {

    /** A result whose model is not known. */
    public QcResult(String camera, long part, Verdict verdict, String label, float score, Instant edgeTime, long edgeNanos,
                    long frameNanos, long decidedNanos, long pushAtNanos, boolean late, String sourceRef, String reason) {
        this(camera, part, verdict, label, score, edgeTime, edgeNanos, frameNanos, decidedNanos, pushAtNanos, late, sourceRef, reason, null);
    }
}
