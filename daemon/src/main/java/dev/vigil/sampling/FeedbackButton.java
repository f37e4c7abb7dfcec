package dev.vigil.sampling;

import dev.vigil.control.Control;
import dev.vigil.events.Event;
import dev.vigil.events.EventStore;
import dev.vigil.gpio.GpioStage;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A "wrong" button on the line ({@code gpio.inputs.NAME.kind: wrong}): a press marks the newest event of the input's
 * cameras as a false alarm through the same {@link Control.Feedback} as the status page and MQTT, so the sampler keeps
 * that frame and its neighbours. Marking decodes and writes JPEGs, so it runs on {@code executor}, never on the GPIO
 * thread that also times the alarms. A second press with no newer event marks nothing again (one frame, one sample).
 */
public final class FeedbackButton implements GpioStage.WrongListener {

    private static final Logger log = LoggerFactory.getLogger(FeedbackButton.class);
    static final String KIND = "false_alarm";

    private final EventStore events;
    private final Control.Feedback feedback;
    private final Executor executor;
    private String lastMarked; // guarded by this

    /** {@code events} may be null (no events directory): a press then says so. */
    public FeedbackButton(EventStore events, Control.Feedback feedback, Executor executor) {
        this.events = events;
        this.feedback = feedback;
        this.executor = executor;
    }

    @Override
    public void pressed(String input, List<String> cameras, long edgeNanos) {
        executor.execute(() -> mark(input, cameras));
    }

    /** Marks the newest event of {@code cameras} now, on this thread; returns the line the feedback or the log said. */
    public synchronized String mark(String input, List<String> cameras) {
        String via = "gpio input " + input;
        Event newest = events == null ? null
                : events.recent(Integer.MAX_VALUE).stream().filter(e -> cameras.contains(e.camera())).findFirst().orElse(null);
        if (newest == null) {
            String m = "gpio: input " + input + " pressed: no event of " + String.join(", ", cameras) + " to mark";
            log.warn(m);
            return m;
        }
        if (newest.id().equals(lastMarked)) {
            String m = "gpio: input " + input + " pressed: event " + newest.id() + " is already marked " + KIND;
            log.info(m);
            return m;
        }
        try {
            String said = feedback.mark(newest.id(), KIND, via);
            lastMarked = newest.id();
            return said;
        } catch (Control.Refused e) {
            String m = "gpio: input " + input + " pressed: " + e.getMessage();
            log.warn(m);
            return m;
        }
    }
}
