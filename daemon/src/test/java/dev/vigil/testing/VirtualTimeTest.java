package dev.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The virtual time kit the time-based tests stand on: order, exact times, periodic tasks, parked threads. */
class VirtualTimeTest {

    final VirtualTime time = new VirtualTime();
    final List<String> ran = new ArrayList<>();

    long ms() { return time.elapsed().toMillis(); }

    void log(String what) { ran.add(what + "@" + ms()); }

    @Test
    void tasksRunInTimeOrderAtTheirDueTimeIncludingThoseScheduledByTasks() {
        ScheduledExecutorService a = time.scheduler(), b = time.scheduler();
        a.schedule(() -> log("a300"), 300, TimeUnit.MILLISECONDS);
        b.schedule(() -> {
            log("b100");
            a.schedule(() -> log("a100+50"), 50, TimeUnit.MILLISECONDS);
            b.execute(() -> log("b100 now"));
        }, 100, TimeUnit.MILLISECONDS);
        a.schedule(() -> log("a100"), 100, TimeUnit.MILLISECONDS);
        a.execute(() -> log("now"));
        assertEquals(List.of(), ran, "nothing runs before time is advanced");
        time.advance(Duration.ofMillis(299));
        assertEquals(List.of("now@0", "b100@100", "a100@100", "b100 now@100", "a100+50@150"), ran);
        assertEquals(299, ms());
        time.advance(Duration.ofMillis(1));
        assertEquals("a300@300", ran.getLast());
        assertEquals(VirtualTime.START.plusMillis(300), time.clock().instant());
        assertEquals(VirtualTime.START_NANOS + 300_000_000L, time.nanoTime());
    }

    @Test
    void fixedRateKeepsItsGridAndFixedDelayCountsFromTheRun() {
        ScheduledExecutorService s = time.scheduler();
        ScheduledFuture<?> rate = s.scheduleAtFixedRate(() -> log("rate"), 50, 50, TimeUnit.MILLISECONDS);
        s.scheduleWithFixedDelay(() -> log("delay"), 30, 70, TimeUnit.MILLISECONDS);
        time.advance(Duration.ofMillis(170));
        assertEquals(List.of("delay@30", "rate@50", "rate@100", "delay@100", "rate@150", "delay@170"), ran);
        rate.cancel(false);
        time.advance(Duration.ofMillis(100));
        assertEquals("delay@240", ran.getLast());
        assertEquals(1, time.pending());
    }

    @Test
    void cancelledAndShutDownTasksNeverRun() {
        ScheduledExecutorService s = time.scheduler(), other = time.scheduler();
        ScheduledFuture<?> f = s.schedule(() -> log("cancelled"), 10, TimeUnit.MILLISECONDS);
        s.schedule(() -> log("shut down"), 20, TimeUnit.MILLISECONDS);
        other.schedule(() -> log("other"), 30, TimeUnit.MILLISECONDS);
        assertTrue(f.cancel(false));
        assertEquals(2, s.shutdownNow().size() + 1, "one task left on s at shutdown");
        assertTrue(s.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> s.execute(() -> {}));
        time.advance(Duration.ofSeconds(1));
        assertEquals(List.of("other@30"), ran);
    }

    @Test
    void aFailingPeriodicTaskStopsLikeOnARealScheduler() {
        ScheduledExecutorService s = time.scheduler();
        ScheduledFuture<?> f = s.scheduleAtFixedRate(() -> {
            log("tick");
            throw new IllegalStateException("boom");
        }, 10, 10, TimeUnit.MILLISECONDS);
        time.advance(Duration.ofMillis(100));
        assertEquals(List.of("tick@10"), ran);
        assertTrue(f.isDone());
    }

    @Test
    void aParkedThreadWakesWhenTimePassesItsDeadlineOrWhenItIsStopped() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> woke = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            time.parkUntil(time.nanoTime() + 500_000_000L, stop::get);
            woke.add(time.nanoTime());
            time.parkUntil(time.nanoTime() + 500_000_000L, stop::get);
            woke.add(-1L);
        });
        assertEquals(List.of(Duration.ofMillis(500)), time.awaitParked(1));
        time.advance(Duration.ofMillis(499));
        assertEquals(List.of(Duration.ofMillis(1)), time.awaitParked(1), "still waiting 1 ms before its deadline");
        assertTrue(woke.isEmpty());
        time.advance(Duration.ofMillis(1));
        time.awaitParked(1); // parked again, on its second wait
        assertEquals(List.of(VirtualTime.START_NANOS + 500_000_000L), woke);
        stop.set(true);
        java.util.concurrent.locks.LockSupport.unpark(t);
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals(-1L, woke.getLast(), "stopped without time moving");
    }

    @Test
    void advanceFromATaskIsRefused() {
        ScheduledExecutorService s = time.scheduler();
        ScheduledFuture<?> f = s.schedule(() -> time.advance(Duration.ofMillis(1)), 1, TimeUnit.MILLISECONDS);
        time.advance(Duration.ofMillis(1));
        var e = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
        assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
    }
}
