package dev.vigil.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.testing.VirtualTime;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket on the upload's bytes, on virtual time to the millisecond. */
class ThrottleTest {

    /** Reads the stream on another thread; returns when it was done, as virtual time since the start. */
    static CompletableFuture<Duration> readAll(VirtualTime time, InputStream in, byte[] into) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                int off = 0;
                for (int n; (n = in.read(into, off, into.length - off)) > 0; ) off += n;
                return time.elapsed();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void threeSecondsOfBytesTakeTwoSecondsAfterTheFullBucket() throws Exception {
        VirtualTime time = new VirtualTime();
        Throttle t = new Throttle(1000, time, () -> false);
        byte[] data = new byte[3000];
        new java.util.Random(1).nextBytes(data);
        byte[] got = new byte[3000];
        CompletableFuture<Duration> done = readAll(time, t.wrap(new ByteArrayInputStream(data)), got);
        while (!done.isDone()) { // each time the reader waits, time moves to its deadline and no further
            List<Duration> ahead = time.awaitParked(0);
            if (ahead.isEmpty()) Thread.sleep(1);
            else time.advance(ahead.getFirst());
        }
        assertEquals(Duration.ofMillis(2000), done.get(5, TimeUnit.SECONDS));
        assertArrayEquals(data, got);
    }

    @Test
    void aPauseRefillsAtMostOneSecondsWorth() throws Exception {
        VirtualTime time = new VirtualTime();
        Throttle t = new Throttle(500, time, () -> false);
        t.take(500); // the full bucket: no wait
        assertEquals(Duration.ZERO, time.elapsed());
        time.advance(Duration.ofSeconds(60)); // idle for a minute: still one second's worth, not sixty
        t.take(500);
        CompletableFuture<Duration> done = CompletableFuture.supplyAsync(() -> {
            try {
                t.take(250);
                return time.elapsed();
            } catch (InterruptedIOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(List.of(Duration.ofMillis(500)), time.awaitParked(1));
        time.advance(Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(60_500), done.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aStoppedUploadStopsWaiting() throws Exception {
        VirtualTime time = new VirtualTime();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Throttle t = new Throttle(100, time, stop::get);
        t.take(100);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> assertThrows(InterruptedIOException.class, () -> t.take(100)));
        time.awaitParked(1);
        stop.set(true);
        time.advance(Duration.ofMillis(1)); // wakes the parked reader, which sees the stop
        waiting.get(5, TimeUnit.SECONDS);
        assertEquals(Duration.ofMillis(1), time.elapsed());
    }
}
