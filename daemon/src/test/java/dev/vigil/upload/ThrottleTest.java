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

    /** Runs {@code body} on a thread of its own (not the common pool, which has one thread on two cores). */
    static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("throttle-reader").start(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Reads the stream on another thread; returns when it was done, as virtual time since the start. */
    static CompletableFuture<Duration> readAll(VirtualTime time, InputStream in, byte[] into) {
        return async(() -> {
            int off = 0;
            for (int n; (n = in.read(into, off, into.length - off)) > 0; ) off += n;
            return time.elapsed();
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
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.isDone() && System.nanoTime() < end) { // each time the reader waits, time moves to its deadline and no further
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
        CompletableFuture<Duration> done = async(() -> {
            t.take(250);
            return time.elapsed();
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
        CompletableFuture<Object> waiting = async(() -> assertThrows(InterruptedIOException.class, () -> t.take(100)));
        time.awaitParked(1);
        stop.set(true);
        t.wake(); // what a closing uploader does: the reader sees the stop at once, without time moving
        waiting.get(5, TimeUnit.SECONDS);
        assertEquals(Duration.ZERO, time.elapsed());
    }
}
