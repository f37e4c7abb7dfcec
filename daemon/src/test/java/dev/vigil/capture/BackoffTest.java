package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondToThirtyWithJitterBelowTheNominalDelay() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(7));
        long[] nominal = {1, 2, 4, 8, 16, 30, 30, 30};
        boolean jittered = false;
        for (long n : nominal) {
            long ms = b.next().toMillis();
            assertTrue(ms <= n * 1000 && ms >= n * 750, "delay " + ms + " ms for nominal " + n + " s");
            if (ms != n * 1000) jittered = true;
        }
        assertTrue(jittered, "jitter spreads the delays");
    }

    /** Jitter that always draws {@code v}: each delay is nominal * (1 - 0.25 v). */
    static RandomGenerator always(double v) {
        return new RandomGenerator() {
            @Override public long nextLong() { throw new UnsupportedOperationException(); }

            @Override public double nextDouble() { return v; }
        };
    }

    @Test
    void theJitterShortensEachDelayByItsShareOfAQuarter() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), always(0.5));
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 8; i++) ms.add(b.next().toMillis());
        assertEquals(List.of(875L, 1750L, 3500L, 7000L, 14_000L, 26_250L, 26_250L, 26_250L), ms);
        Backoff most = new Backoff(Duration.ofMillis(400), Duration.ofMillis(800), always(0.999_999_999));
        assertEquals(Duration.ofNanos(300_000_001L), most.next(), "never shorter than three quarters");
    }

    @Test
    void resetStartsOverAfterASuccessfulConnection() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), always(0));
        for (int i = 0; i < 6; i++) b.next();
        assertEquals(Duration.ofSeconds(1), b.next());
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next());
        assertEquals(Duration.ofMillis(200), b.next());
    }

    @Test
    void zeroAlwaysYieldsTheNominalDelay() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), new java.util.Random() {
            @Override
            public double nextDouble() {
                return 0;
            }
        });
        assertEquals(100, b.next().toMillis());
        assertEquals(200, b.next().toMillis());
        assertEquals(400, b.next().toMillis());
        assertEquals(400, b.next().toMillis());
    }

    @Test
    void badBoundsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new SplittableRandom()));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new SplittableRandom()));
    }
}
