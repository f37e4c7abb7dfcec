package dev.vigil.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.GpioConfig;
import dev.vigil.testing.VirtualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Debounce judged by the edges' own times: a pulse that held long enough counts even when its confirmation runs late. */
class DebouncedInputTest {

    static final long MS = 1_000_000L;

    /** A raw pin the test drives with explicit edge times. */
    static final class Pin implements GpioPins.InputPin {
        boolean active;
        GpioPins.ChangeListener listener;

        @Override public String name() { return "barrier"; }
        @Override public int bcm() { return 17; }
        @Override public boolean active() { return active; }
        @Override public void onChange(GpioPins.ChangeListener l) { listener = l; }

        void set(boolean a, long ms) {
            active = a;
            listener.changed(a, VirtualTime.START_NANOS + ms * MS);
        }
    }

    static GpioConfig.Input barrier(int debounceMs) {
        return new GpioConfig.Input("barrier", 17, GpioConfig.InputKind.TRIGGER, Duration.ofMillis(debounceMs), GpioConfig.Pull.UP,
                true, Duration.ZERO, List.of());
    }

    @Test
    void aFortyMillisecondPulseCountsThoughTheGpioThreadRanItsConfirmationOnlyAfterIt() {
        VirtualTime vt = new VirtualTime();
        ScheduledExecutorService gpio = vt.scheduler();
        Pin pin = new Pin();
        List<String> edges = new ArrayList<>();
        new DebouncedInput(barrier(2), pin, gpio, (active, nanos) -> edges.add(active + "@" + (nanos - VirtualTime.START_NANOS) / MS));
        // The GPIO thread is busy: neither edge's confirmation runs before the next edge (no time advanced between them).
        pin.set(true, 0);
        pin.set(false, 40);
        assertEquals(List.of("true@0"), edges, "the part broke the beam for 40 ms, far over the 2 ms debounce");
        vt.advance(Duration.ofMillis(42));
        assertEquals(List.of("true@0", "false@40"), edges, "and left it: the release, debounced too, at its own time");
        vt.advance(Duration.ofMillis(100));
        assertEquals(2, edges.size(), "the late confirmation of the first edge adds nothing");
    }

    @Test
    void aGlitchShorterThanTheDebounceIsNoEdgeHoweverLateTheThreadIs() {
        VirtualTime vt = new VirtualTime();
        Pin pin = new Pin();
        List<String> edges = new ArrayList<>();
        new DebouncedInput(barrier(20), pin, vt.scheduler(), (active, nanos) -> edges.add(active + "@" + (nanos - VirtualTime.START_NANOS) / MS));
        pin.set(true, 0);
        pin.set(false, 19);
        vt.advance(Duration.ofMillis(200));
        assertEquals(List.of(), edges, "19 ms is under the 20 ms debounce");
        pin.set(true, 300);
        pin.set(false, 320);
        vt.advance(Duration.ofMillis(200));
        assertEquals(List.of("true@300", "false@320"), edges, "20 ms held is an edge, and the release after it another");
    }
}
