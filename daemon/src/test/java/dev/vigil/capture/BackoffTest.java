package dev.vigil.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
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

    @Test
    void resetStartsOverAfterASuccessfulConnection() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new SplittableRandom(1));
        for (int i = 0; i < 6; i++) b.next();
        assertTrue(b.next().toMillis() > 700);
        b.reset();
        assertTrue(b.next().toMillis() <= 100);
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
