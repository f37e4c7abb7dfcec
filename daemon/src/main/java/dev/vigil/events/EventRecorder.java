package dev.vigil.events;

import dev.vigil.consumer.FrameConsumer;
import dev.vigil.pipeline.FrameOutcome;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.rules.Trigger;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event record as a consumer of the result bus: every trigger of a frame becomes an event line and an annotated
 * snapshot (JPEG encode, file fsync, directory fsync) on this consumer's thread, never on the frame path, so no alarm
 * output waits for the disk. Without a usable events directory the event is logged as not recorded.
 */
public final class EventRecorder implements FrameConsumer {

    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final EventStore store; // null when the events directory could not be used

    public EventRecorder(EventStore store) {
        this.store = store;
    }

    @Override
    public String name() { return "events"; }

    /** Each waiting event holds its frame's copy: a few seconds of triggers, not minutes of a stalled disk. */
    @Override
    public int capacity() { return 32; }

    /** Only frames that fired: the rest never wake this thread. */
    @Override
    public boolean wants(FrameOutcome o) {
        return o instanceof FrameResult r && !r.triggers().isEmpty();
    }

    @Override
    public boolean wantsPixels(FrameOutcome o) {
        return store != null;
    }

    @Override
    public void accept(FrameOutcome o, Mat pixels) {
        if (!(o instanceof FrameResult r)) return;
        for (Trigger t : r.triggers()) {
            // The store logs each event (one line) or its loss; the journal carries on either way.
            if (store != null && pixels != null) store.record(t, r.candidates().isEmpty() ? java.util.List.of(t.detection()) : r.candidates(), pixels, r.sourceRef(), r.model());
            else log.warn("event not recorded ({}): camera {} {} {} {}", store == null ? "no events directory" : "its frame was not kept",
                    t.camera(), t.group(), t.detection().label(), String.format(Locale.ROOT, "%.2f", t.detection().score()));
        }
    }

    /** The store, or null when the events directory could not be used. */
    public EventStore store() { return store; }

    @Override
    public void close() {
        if (store != null) store.close();
    }
}
