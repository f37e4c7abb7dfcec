package dev.vigil.swap;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.rules.CameraRules;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recent frames of live traffic, kept as the model's input tensor (already preprocessed: a few hundred KB each, not a
 * full camera frame) with what the current model made of them. A deployed model is tested on them before it takes over.
 * Filled on the inference thread, at most one frame per camera per {@code everyNanos}; the slots are allocated once
 * and reused.
 */
final class ReferenceFrames {

    /** One kept frame: whose, its input tensor, and the current model's answer as {@link #signature} puts it. */
    record Reference(String camera, byte[] tensor, String answer, ModelId by) {}

    private final int capacity;
    private final long everyNanos;
    private final Map<String, CameraRules> rules;
    private final byte[][] slots;
    private final byte[][] spares; // the deploy's copies, reused deploy after deploy (one deploy at a time)
    private final Reference[] refs;
    private final Map<String, Long> lastKept = new HashMap<>();
    private int next, size;

    ReferenceFrames(int capacity, long everyNanos, Map<String, CameraRules> rules) {
        this.capacity = capacity;
        this.everyNanos = everyNanos;
        this.rules = Map.copyOf(rules);
        this.slots = new byte[capacity][];
        this.spares = new byte[capacity][];
        this.refs = new Reference[capacity];
    }

    /** What a model made of a frame, comparable between two models: a classifier's top-1 label, a detector's groups present. */
    static String signature(CameraRules rules, Analyzer a) {
        if (a.kind() == Analyzer.Kind.CLASSIFIER) {
            var top = a.topK().toList(a::label);
            return top.isEmpty() ? "" : top.getFirst().label();
        }
        return String.join(",", rules.groupsPresent(a.detections().toList(a::label)));
    }

    static String signature(CameraRules rules, FrameResult r) {
        if (r.kind() == Analyzer.Kind.CLASSIFIER) return r.top().isEmpty() ? "" : r.top().getFirst().label();
        return String.join(",", rules.groupsPresent(r.detections()));
    }

    /** On the inference thread, right after {@code r} was analysed by {@code m} (whose input tensor still holds the frame). */
    synchronized void offer(LoadedModel m, FrameResult r, long nanos) {
        CameraRules cr = rules.get(r.camera());
        if (cr == null) return;
        Long last = lastKept.get(r.camera());
        if (last != null && nanos - last < everyNanos) return;
        lastKept.put(r.camera(), nanos);
        ByteBuffer in = m.analyzer().engine().input(0);
        int n = in.capacity();
        if (slots[next] == null || slots[next].length != n) slots[next] = new byte[n];
        in.get(0, slots[next], 0, n);
        refs[next] = new Reference(r.camera(), slots[next], signature(cr, r), m.id());
        next = (next + 1) % capacity;
        size = Math.min(capacity, size + 1);
    }

    /**
     * Copies of the frames kept, oldest first (the deploy thread works on them while the loop keeps filling), into
     * buffers kept for the purpose: a deploy makes no garbage of a few MB. One deploy at a time.
     */
    synchronized List<Reference> snapshot() {
        List<Reference> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Reference r = refs[(next - size + i + capacity) % capacity];
            if (spares[i] == null || spares[i].length != r.tensor().length) spares[i] = new byte[r.tensor().length];
            System.arraycopy(r.tensor(), 0, spares[i], 0, r.tensor().length);
            out.add(new Reference(r.camera(), spares[i], r.answer(), r.by()));
        }
        return out;
    }

    /** After a rollback the answers kept are the failed model's: the next deploy compares with the model now running. */
    synchronized void clear() {
        size = 0;
        lastKept.clear();
    }

    /**
     * After a switch: the frames the new model was tested on, with its own answers, so a deploy right after (back to
     * the previous model, say) has frames to compare on; newer ones kept meanwhile carry the old model's and go.
     */
    synchronized void replace(List<Reference> answered) {
        // The snapshot's buffers become the ring's and the ring's the next snapshot's: nothing is copied or allocated.
        byte[][] old = slots.clone();
        for (int i = 0; i < capacity; i++) slots[i] = null;
        size = 0;
        next = 0;
        // At most the ring's capacity, the newest; a full ring's next slot is its first again (16 answered once left
        // next at 16: every later frame offered failed with an index out of bounds, and no frame was kept again).
        List<Reference> keep = answered.size() > capacity ? answered.subList(answered.size() - capacity, answered.size()) : answered;
        for (Reference r : keep) {
            slots[next] = r.tensor();
            refs[next] = r;
            next++;
            size++;
        }
        next %= capacity;
        int k = 0;
        for (int i = 0; i < capacity; i++) spares[i] = null;
        for (byte[] b : old) if (b != null && k < capacity && !isSlot(b)) spares[k++] = b;
    }

    private boolean isSlot(byte[] b) {
        for (byte[] s : slots) if (s == b) return true;
        return false;
    }

    CameraRules rules(String camera) { return rules.get(camera); }

    synchronized int size() { return size; }

    /** Where the next frame offered goes (tests). */
    synchronized int nextSlot() { return next; }
}
