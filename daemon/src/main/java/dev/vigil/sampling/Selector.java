package dev.vigil.sampling;

import dev.vigil.config.SamplingConfig.Strategies;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.postprocess.Detection;
import dev.vigil.qc.QcRules;
import dev.vigil.qc.Verdict;
import dev.vigil.rules.GroupRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Which strategies one camera's frame meets, in the order a sample takes its tag from: qc, near_threshold, flicker,
 * novelty, random. Called on the inference thread once per analysed frame, in frame order (the flicker history is
 * this camera's last frames); cheap: a pass over the frame's detections per group.
 *
 * <p>The analyzer keeps nothing below the camera's lowest group threshold, so the near-threshold band reaches under a
 * group's min_score only where another group's lower threshold let the detection through.
 */
public final class Selector {

    static final String QC = "qc", NEAR = "near_threshold", FLICKER = "flicker", NOVELTY = "novelty", RANDOM = "random",
            FEEDBACK = "feedback";

    private final String camera;
    private final GroupRule[] groups;
    private final Strategies s;
    private final QcRules qc; // null: not a QC station
    private final boolean motionGated;
    private final boolean[][] seen; // per group, a ring of the last flicker.of frames
    private int cursor;
    private long frames;

    Selector(String camera, List<GroupRule> groups, Strategies strategies, QcRules qc, boolean motionGated) {
        this.camera = camera;
        this.groups = groups.toArray(GroupRule[]::new);
        this.s = strategies;
        this.qc = qc;
        this.motionGated = motionGated;
        this.seen = new boolean[this.groups.length][strategies.flickerOf()];
    }

    Strategies strategies() { return s; }

    List<String> select(FrameResult r) {
        List<String> tags = new ArrayList<>(2);
        List<Detection> cs = r.candidates();
        if (s.qc().enabled() && qc != null && qcUnsure(cs)) tags.add(QC);
        if (s.nearThreshold().enabled() && nearThreshold(cs)) tags.add(NEAR);
        boolean flicker = flicker(cs);
        if (s.flicker().enabled() && flicker) tags.add(FLICKER);
        if (s.novelty().enabled() && motionGated && best(cs) < s.noveltyMax()) tags.add(NOVELTY);
        if (s.random().enabled() && picked(camera, r.sequence(), s.randomShare())) tags.add(RANDOM);
        return tags;
    }

    private boolean qcUnsure(List<Detection> cs) {
        List<QcRules.Candidate> c = new ArrayList<>(cs.size());
        for (Detection d : cs) c.add(new QcRules.Candidate(d.label(), d.score()));
        if (qc.decide(c).verdict() == Verdict.UNCERTAIN) return true;
        float ok = -1, ng = -1;
        for (QcRules.Candidate x : c) {
            if (qc.okLabels().contains(x.label())) ok = Math.max(ok, x.score());
            if (qc.ngLabels().contains(x.label())) ng = Math.max(ng, x.score());
        }
        return ok >= 0 && ng >= 0 && Math.abs(ok - ng) < s.qcMargin();
    }

    private boolean nearThreshold(List<Detection> cs) {
        for (GroupRule g : groups) {
            for (Detection d : cs) {
                if (g.labels().contains(d.label()) && Math.abs(d.score() - g.minScore()) <= s.band() + 1e-6) return true;
            }
        }
        return false;
    }

    /** Records which groups this frame holds; true when one of them is in fewer than flicker.frames of the last flicker.of. */
    private boolean flicker(List<Detection> cs) {
        int of = s.flickerOf();
        frames++;
        boolean any = false;
        for (int gi = 0; gi < groups.length; gi++) {
            boolean present = false;
            for (Detection d : cs) {
                if (d.score() >= groups[gi].minScore() && groups[gi].labels().contains(d.label())) {
                    present = true;
                    break;
                }
            }
            seen[gi][cursor] = present;
            if (!present || frames < of) continue; // a full window first: the first frames of a run are not flicker
            int n = 0;
            for (boolean b : seen[gi]) if (b) n++;
            if (n < s.flickerFrames()) any = true;
        }
        cursor = (cursor + 1) % of;
        return any;
    }

    private static float best(List<Detection> cs) {
        float b = 0;
        for (Detection d : cs) b = Math.max(b, d.score());
        return b;
    }

    /**
     * The random strategy's pick: a hash of camera and frame number below {@code share}. A hash, not a random number
     * generator, so a replay of the same frames keeps the same ones and a test can tell which.
     */
    static boolean picked(String camera, long sequence, double share) {
        if (share <= 0) return false;
        long h = camera.hashCode() * 0x9E3779B97F4A7C15L + sequence;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L; // splitmix64's finaliser
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53 < share;
    }
}
