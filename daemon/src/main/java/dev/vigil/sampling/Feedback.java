package dev.vigil.sampling;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.vigil.control.Control;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator feedback ({@code POST /api/events/{id}/feedback}, the MQTT command {@code event/{id}/feedback}): the
 * event's own frame, as captured (not the annotated snapshot), becomes a sample tagged {@code feedback} with the
 * kind, with the frames that fired within {@link #NEIGHBOURS} before and after it, past the near-duplicate test (a person
 * said so) but within the feedback strategy's limits. The sampler holds
 * the last {@value Sampler#FIRED_KEPT} frames that fired per camera; an older event is refused, saying so.
 */
public final class Feedback implements Control.Feedback {

    private static final Logger log = LoggerFactory.getLogger(Feedback.class);

    /** Frames that fired this close to the event's are its neighbours: the same object a moment before or after. */
    static final java.time.Duration NEIGHBOURS = java.time.Duration.ofSeconds(2);

    private final Sampler sampler;
    private final EventStore events;

    public Feedback(Sampler sampler, EventStore events) {
        this.sampler = sampler;
        this.events = events;
    }

    @Override
    public String mark(String id, String kind, String via) {
        if (events == null) throw new Control.Refused(Control.Reason.UNAVAILABLE, "no events directory: events cannot be marked");
        Event e = events.get(id).orElseThrow(() -> new Control.Refused(Control.Reason.UNKNOWN, "no event " + Control.shorten(id)));
        if (!sampler.takesFeedback(e.camera())) {
            throw new Control.Refused(Control.Reason.UNAVAILABLE, "camera " + e.camera() + " does not keep feedback (sampling.strategies.feedback.enabled)");
        }
        List<Sampler.Fired> held = sampler.fired(e.camera(), e.time(), NEIGHBOURS);
        Sampler.Fired f = held.stream().filter(h -> h.result().frameTime().toEpochMilli() == e.time().toEpochMilli()).findFirst().orElse(null);
        if (f == null) {
            throw new Control.Refused(Control.Reason.UNAVAILABLE, "the frame of event " + id + " is no longer held (the last "
                    + Sampler.FIRED_KEPT + " frames that fired per camera are)");
        }
        Sample s = keep(f, kind, id, e);
        if (s == null) throw new Control.Refused(Control.Reason.UNAVAILABLE, "event " + id + " not kept: the feedback limit or the quota is reached");
        int neighbours = 0;
        for (Sampler.Fired n : held) if (n != f && keep(n, kind, id, e) != null) neighbours++;
        log.info("sampling: event {} marked {} by {}; kept as sample {} with {} neighbour(s)", id, kind, via, s.id(), neighbours);
        return "event " + id + " marked " + kind + "; kept as sample " + s.id() + (neighbours == 0 ? "" : " with " + neighbours + " neighbour(s)");
    }

    private Sample keep(Sampler.Fired f, String kind, String id, Event e) {
        try (org.bytedeco.javacpp.BytePointer buf = new org.bytedeco.javacpp.BytePointer(f.jpeg());
             Mat raw = new Mat(1, f.jpeg().length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, buf);
             Mat bgr = imdecode(raw, IMREAD_COLOR)) {
            return sampler.keep(f.result(), List.of(Selector.FEEDBACK), bgr, kind, id, e.time(), sampler.time().nanoTime());
        }
    }
}
