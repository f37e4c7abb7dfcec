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
    private final Reference[] refs;
    private final Map<String, Long> lastKept = new HashMap<>();
    private int next, size;

    ReferenceFrames(int capacity, long everyNanos, Map<String, CameraRules> rules) {
        this.capacity = capacity;
        this.everyNanos = everyNanos;
        this.rules = Map.copyOf(rules);
        this.slots = new byte[capacity][];
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

    /** Copies of the frames kept, oldest first (the deploy thread works on them while the loop keeps filling). */
    synchronized List<Reference> snapshot() {
        List<Reference> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Reference r = refs[(next - size + i + capacity) % capacity];
            out.add(new Reference(r.camera(), r.tensor().clone(), r.answer(), r.by()));
        }
        return out;
    }

    /** After a switch the answers kept are the old model's: the next deploy compares with the model now running. */
    synchronized void clear() {
        size = 0;
        lastKept.clear();
    }

    CameraRules rules(String camera) { return rules.get(camera); }

    synchronized int size() { return size; }
}
