package dev.vigil.rules;

import dev.vigil.postprocess.Classification;
import dev.vigil.postprocess.Detection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, frame by frame, whether a camera's rule groups fire.
 *
 * <p>Per group, a detection <em>matches</em> when its label is in the group, its score reaches the group's minimum,
 * its box area lies within [min_area, max_area] and its box's bottom centre (where the object touches the ground) lies
 * inside one of the zones (if any) and in no mask. The group fires when enough of the last processed frames matched
 * ({@link Confirm}), its cooldown since the last firing has passed and, with tracking on, the frame holds an object that
 * has not fired yet.
 *
 * <p>Tracking is plain IoU matching against the boxes of the previous frames: a detection that overlaps a remembered
 * object by at least {@code trackIou} is that object again. An object fires once; it is forgotten after it has been
 * missing for more than {@code trackMisses} processed frames (so a detector that loses a sleeping cat for a frame or
 * two does not raise a second alarm). With tracking on, a frame counts towards confirmation only when it holds an object
 * that has not fired yet: otherwise a parked car, matching every frame, would keep the window full and let a single
 * spurious new detection fire without any confirmation of its own.
 *
 * <p>One engine per camera, called by the one thread that runs that camera's inference: not thread-safe, except
 * {@link #state()}, which any thread may read. The per-frame work uses preallocated arrays; only a firing allocates.
 */
public final class RuleEngine {

    /** Processed frames an object may be missing before the tracker forgets it. */
    public static final int DEFAULT_TRACK_MISSES = 3;

    /** Objects remembered per group; a scene with more is not a scene where "this one is new" means much. */
    static final int MAX_TRACKS = 32;

    private static final float[] FULL_FRAME = {0f, 0f, 1f, 1f};

    // Why a detection does not match a group, or why a group with matches did not fire (see HeldBack).
    private static final int MATCH = 0, LABEL = 1, SCORE = 2, AREA = 3, ZONE = 4, MASK = 5, SUB = 6;
    private static final int FIRED = 0, TRACKED = 1, CONFIRM = 2, COOLDOWN = 3, NOTHING = 4;

    // Polygon.contains is half-open: a point exactly on the frame's edge (a box touching the bottom, y = 1) would fall
    // outside a zone drawn up to that edge. Nudge the point inside the frame so such zones work as drawn.
    private static final float EDGE = 1e-5f;

    private final String camera;
    private final Group[] groups;
    private final Polygon[] zones;
    private final Polygon[] masks;
    private final int confirmFrames;
    private final long cooldownNanos;
    private final boolean tracking;
    private final float trackIou;
    private final int trackMisses;
    private final HeldBack heldBack;
    private int maskHit; // the mask of the last MASK mismatch

    // Per-frame scratch: the matching candidates of the group being evaluated.
    private int[] candIndex = new int[16];
    private float[] candScore = new float[16];
    private float[][] candBox = new float[16][];
    private int[] candTrack = new int[16];

    public RuleEngine(String camera, CameraRules rules) { this(camera, rules, DEFAULT_TRACK_MISSES); }

    public RuleEngine(String camera, CameraRules rules, int trackMisses) {
        this.camera = camera;
        // CameraRules and its parts checked themselves when they were built: nothing here can be out of range.
        if (trackMisses < 0) throw new IllegalArgumentException("trackMisses must be >= 0, got " + trackMisses);
        Confirm c = rules.confirm();
        this.confirmFrames = c.frames();
        this.cooldownNanos = rules.cooldown().toNanos();
        this.tracking = rules.tracking();
        this.trackIou = rules.trackIou();
        this.trackMisses = trackMisses;
        this.zones = rules.zones().toArray(Polygon[]::new);
        this.masks = rules.masks().toArray(Polygon[]::new);
        List<Group> gs = new ArrayList<>();
        for (Map.Entry<String, GroupRule> e : rules.groups().entrySet()) gs.add(new Group(e.getKey(), e.getValue(), c.of()));
        this.groups = gs.toArray(Group[]::new);
        this.heldBack = new HeldBack(camera, groups.length);
    }

    public String camera() { return camera; }

    /** Applies the groups to one processed frame of a detector; returns the groups that fire (usually none). */
    public List<Trigger> evaluate(List<Detection> detections, Instant frameTime) {
        List<Trigger> fired = null;
        int size = detections.size();
        ensureCapacity(size);
        for (int gi = 0; gi < groups.length; gi++) {
            Group g = groups[gi];
            int n = 0;
            for (int i = 0; i < size; i++) {
                Detection d = detections.get(i);
                if (mismatch(g, d) == MATCH) {
                    candIndex[n] = i;
                    candScore[n] = d.score();
                    candBox[n] = d.box();
                    n++;
                }
            }
            int best = g.step(this, n, frameTime);
            if (best >= 0) {
                if (fired == null) fired = new ArrayList<>(groups.length);
                fired.add(new Trigger(camera, g.name, detections.get(candIndex[best]), frameTime));
                heldBack.fired(gi);
            } else if (heldBack.on()) {
                explain(gi, g, detections, n, frameTime);
            }
        }
        return fired == null ? List.of() : fired;
    }

    /**
     * Applies the groups to a classifier's top-k: a class matches when its label is in the group and its score reaches
     * the minimum. There is no box, so area, zones and masks do not apply; for tracking every class stands on the
     * whole frame, so a group whose labels stay in view fires once.
     */
    public List<Trigger> evaluateClassification(List<Classification> topK, Instant frameTime) {
        List<Trigger> fired = null;
        int size = topK.size();
        ensureCapacity(size);
        for (Group g : groups) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                Classification c = topK.get(i);
                if (c.score() >= g.rule.minScore() && g.labels.contains(c.label())) {
                    candIndex[n] = i;
                    candScore[n] = c.score();
                    candBox[n] = FULL_FRAME;
                    n++;
                }
            }
            int best = g.step(this, n, frameTime);
            if (best >= 0) {
                Classification c = topK.get(candIndex[best]);
                if (fired == null) fired = new ArrayList<>(groups.length);
                fired.add(new Trigger(camera, g.name, new Detection(c.label(), c.index(), c.score(), FULL_FRAME.clone()),
                        frameTime));
            }
        }
        return fired == null ? List.of() : fired;
    }

    /** A snapshot of every group's state, in config order; safe to call from any thread. */
    public List<GroupState> state() {
        List<GroupState> out = new ArrayList<>(groups.length);
        for (Group g : groups)
            out.add(new GroupState(camera, g.name, g.lastTriggerSeen, g.countSeen, g.window.length, confirmFrames,
                    g.trackedSeen, g.framesSeen, g.triggersSeen, g.suppressedSeen));
        return out;
    }

    /** Forgets windows, tracks and cooldowns, e.g. after the camera reconnected and the scene may have changed. */
    public void reset() {
        for (Group g : groups) g.reset();
    }

    /** MATCH, or the first rule the detection fails (a MASK sets {@link #maskHit}). */
    private int mismatch(Group g, Detection d) {
        if (!g.labels.contains(d.label())) return LABEL;
        if (d.score() < g.rule.minScore()) return SCORE;
        float area = d.area();
        if (area < g.rule.minArea() || area > g.rule.maxArea()) return AREA;
        if (!g.rule.subLabelMatches(d)) return SUB;
        float[] b = d.box();
        float x = clamp((b[0] + b[2]) * 0.5f);
        float y = clamp(b[3]);
        if (zones.length > 0) {
            boolean inside = false;
            for (Polygon z : zones) {
                if (z.contains(x, y)) { inside = true; break; }
            }
            if (!inside) return ZONE;
        }
        for (int i = 0; i < masks.length; i++) {
            if (masks[i].contains(x, y)) { maskHit = i; return MASK; }
        }
        return MATCH;
    }

    /**
     * Debug only: the rule that kept group {@code g} from firing on this frame. Without a match, the best detection of
     * the group's labels and the first rule it fails; with matches, what the group's window, cooldown or tracker said.
     * Nothing when no detection has one of the group's labels: there is nothing to hold back.
     */
    private void explain(int gi, Group g, List<Detection> detections, int n, Instant t) {
        if (n > 0) {
            Detection d = detections.get(candIndex[0]);
            for (int k = 1; k < n; k++) if (candScore[k] > d.score()) d = detections.get(candIndex[k]);
            String what = d.label() + " " + HeldBack.num(d.score());
            switch (g.held) {
                case TRACKED -> heldBack.held(gi, g.name, "tracking", what + " is an object that already fired (box IoU >= "
                        + HeldBack.value(trackIou) + ")", t);
                case CONFIRM -> heldBack.held(gi, g.name, "confirm", what + " matched in " + g.count + " of the last "
                        + g.window.length + " frames; needs " + confirmFrames, t);
                case COOLDOWN -> heldBack.held(gi, g.name, "cooldown", what + " within cooldown_s " + HeldBack.seconds(cooldownNanos)
                        + " of the last trigger", t);
                default -> { }
            }
            return;
        }
        Detection d = null;
        for (Detection c : detections) if (g.labels.contains(c.label()) && (d == null || c.score() > d.score())) d = c;
        if (d == null) return;
        String what = d.label() + " " + HeldBack.num(d.score());
        float[] b = d.box();
        String at = " stands at (" + HeldBack.num(clamp((b[0] + b[2]) * 0.5f)) + ", " + HeldBack.num(clamp(b[3])) + ")";
        switch (mismatch(g, d)) {
            case SCORE -> heldBack.held(gi, g.name, "min_score", what + " is below " + HeldBack.value(g.rule.minScore()), t);
            case AREA -> heldBack.held(gi, g.name, "area", what + " covers " + HeldBack.area(d.area()) + " of the frame, outside min_area "
                    + HeldBack.value(g.rule.minArea()) + " .. max_area " + HeldBack.value(g.rule.maxArea()), t);
            case ZONE -> heldBack.held(gi, g.name, "zone", what + at + ", in no zone " + java.util.Arrays.stream(zones).map(Polygon::name).toList(), t);
            case MASK -> heldBack.held(gi, g.name, "mask", what + at + ", inside mask " + masks[maskHit].name(), t);
            case SUB -> heldBack.held(gi, g.name, "sub_labels", what + (d.sub() == null ? " has no sub-label"
                    : " is " + d.sub().name() + " " + HeldBack.num(d.sub().score())) + ", not one of " + g.rule.subLabels()
                    + (g.rule.subLabelMinScore() > 0 ? " at " + HeldBack.value(g.rule.subLabelMinScore()) : ""), t);
            default -> { }
        }
    }

    private static float clamp(float v) { return Math.min(Math.max(v, EDGE), 1f - EDGE); }

    private void ensureCapacity(int n) {
        if (n <= candIndex.length) return;
        int cap = Math.max(n, candIndex.length * 2);
        candIndex = new int[cap];
        candScore = new float[cap];
        candBox = new float[cap][];
        candTrack = new int[cap];
    }

    static float iou(float[] a, float[] b) {
        float ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        float iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (ix <= 0f || iy <= 0f) return 0f;
        float inter = ix * iy;
        float union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0f ? 0f : inter / union;
    }

    /** One group's sliding window, cooldown and tracked objects. */
    private static final class Group {
        final String name;
        final GroupRule rule;
        final Set<String> labels;
        final boolean[] window;
        int pos;
        int count;
        Instant lastTrigger;
        int held; // FIRED, or why not on the last frame
        long frames;
        long triggers;
        long suppressed;

        final Tracks tracks = new Tracks(MAX_TRACKS);

        // Published copies for state(), written once per frame.
        volatile Instant lastTriggerSeen;
        volatile int countSeen;
        volatile int trackedSeen;
        volatile long framesSeen;
        volatile long triggersSeen;
        volatile long suppressedSeen;

        Group(String name, GroupRule rule, int of) {
            this.name = name;
            this.rule = rule;
            this.labels = rule.labels();
            this.window = new boolean[of];
        }

        void reset() {
            java.util.Arrays.fill(window, false);
            pos = 0;
            count = 0;
            lastTrigger = null;
            tracks.clear();
            publish();
        }

        /**
         * Advances this group by one frame whose matching candidates sit in the engine's scratch arrays [0, n).
         * Returns the index of the candidate that fires, or -1.
         */
        int step(RuleEngine e, int n, Instant t) {
            frames++;
            int best = -1;
            held = n == 0 ? NOTHING : TRACKED;
            if (e.tracking) {
                tracks.associate(e.candBox, e.candTrack, n, e.trackIou);
                for (int k = 0; k < n; k++) {
                    int tr = e.candTrack[k];
                    if (tr >= 0 && !tracks.fired(tr) && (best < 0 || e.candScore[k] > e.candScore[best])) best = k;
                }
            } else {
                for (int k = 0; k < n; k++) {
                    if (best < 0 || e.candScore[k] > e.candScore[best]) best = k;
                }
            }
            boolean counts = best >= 0;
            if (window[pos]) count--;
            window[pos] = counts;
            if (counts) count++;
            pos = pos + 1 == window.length ? 0 : pos + 1;

            if (best >= 0 && count < e.confirmFrames) {
                held = CONFIRM;
                best = -1;
            }
            if (best >= 0 && lastTrigger != null && e.cooldownNanos > 0 && inCooldown(t, e.cooldownNanos)) {
                suppressed++;
                held = COOLDOWN;
                best = -1;
            }
            if (best >= 0) {
                held = FIRED;
                lastTrigger = t;
                triggers++;
                // Everything in view when the alarm went off has been announced with it.
                if (e.tracking) {
                    for (int k = 0; k < n; k++) {
                        if (e.candTrack[k] >= 0) tracks.markFired(e.candTrack[k]);
                    }
                }
            }
            if (e.tracking) tracks.forget(e.trackMisses);
            publish();
            return best;
        }

        private boolean inCooldown(Instant t, long cooldownNanos) {
            // A frame time before the last firing means the clock was set back: start afresh rather than stay mute
            // for however far it jumped.
            if (t.isBefore(lastTrigger)) return false;
            long seconds = t.getEpochSecond() - lastTrigger.getEpochSecond();
            if (seconds > cooldownNanos / 1_000_000_000L + 1) return false;
            long elapsed = seconds * 1_000_000_000L + (t.getNano() - lastTrigger.getNano());
            return elapsed < cooldownNanos;
        }

        private void publish() {
            countSeen = count;
            trackedSeen = tracks.size();
            framesSeen = frames;
            triggersSeen = triggers;
            suppressedSeen = suppressed;
            lastTriggerSeen = lastTrigger;
        }
    }
}
