package dev.vigil.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.model.ModelStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The review page's learn runs one at a time on its own thread, says where it is, and stops before writing when the daemon stops. */
class LearnJobsTest {

    final Clock clock = Clock.fixed(Instant.parse("2026-11-30T05:00:00Z"), ZoneOffset.UTC);
    final ModelStore store = ModelStore.fromEnvironment();

    @Test
    void aSecondLearnIsRefusedWhileOneRunsAndTheFirstEndsWithItsOneLine() throws Exception {
        CountDownLatch embedding = new CountDownLatch(1), release = new CountDownLatch(1);
        String[] thread = new String[1];
        LearnJobs jobs = new LearnJobs((s, o, p) -> {
            thread[0] = Thread.currentThread().getName();
            p.at("embedding", 3, 10);
            embedding.countDown();
            release.await();
            throw new IllegalArgumentException("dataset " + o.dataset() + " has one class (cat); learning needs two or more");
        }, store, Path.of("/data/ds"), null, clock);
        assertEquals(LearnJobs.State.IDLE, jobs.status().state());
        LearnJobs.Status first = jobs.start(new LearnJobs.Request("pets", null, false, "test"));
        assertEquals(LearnJobs.State.RUNNING, first.state());
        assertTrue(embedding.await(10, TimeUnit.SECONDS));
        LearnJobs.Status running = jobs.status();
        assertEquals(java.util.List.of("embedding", 3, 10), java.util.List.of(running.phase(), running.done(), running.total()));
        LearnJobs.Busy busy = assertThrows(LearnJobs.Busy.class, () -> jobs.start(new LearnJobs.Request("other", null, false, "test")));
        assertEquals("learning pets is under way (embedding 3 of 10); wait for it to end", busy.getMessage());

        release.countDown();
        assertTrue(jobs.await(Duration.ofSeconds(10)));
        LearnJobs.Status failed = jobs.status();
        assertEquals(LearnJobs.State.FAILED, failed.state());
        assertEquals("dataset /data/ds has one class (cat); learning needs two or more", failed.error());
        assertEquals(clock.instant(), failed.finished());
        assertNull(failed.result());
        assertEquals("vigil-learn", thread[0], "never the caller's (an HTTP request's) thread");
        jobs.close();
    }

    @Test
    void aNameALearnedModelCannotHaveIsRefusedBeforeAnythingStarts() {
        LearnJobs jobs = new LearnJobs((s, o, p) -> { throw new AssertionError("must not run"); }, store, Path.of("/data/ds"), null, clock);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jobs.start(new LearnJobs.Request("../x", null, false, "test")));
        assertEquals("--name ../x: use letters, digits, '_', '.' and '-' (not first)", e.getMessage());
        assertEquals(LearnJobs.State.IDLE, jobs.status().state());
    }

    @Test
    void stoppingTheDaemonEndsARunAtItsNextImageBeforeItWrites() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        boolean[] wrote = new boolean[1];
        LearnJobs jobs = new LearnJobs((s, o, p) -> {
            for (int i = 0; ; i++) {
                p.at("embedding", i, 1_000_000);
                started.countDown();
                Thread.sleep(1);
                if (i == 1_000_000) break;
            }
            wrote[0] = true;
            return null;
        }, store, Path.of("/data/ds"), null, clock);
        jobs.start(new LearnJobs.Request("pets", null, false, "test"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        jobs.close();
        assertEquals(LearnJobs.State.FAILED, jobs.status().state());
        assertEquals("the daemon stopped", jobs.status().error());
        assertTrue(!wrote[0]);
        assertThrows(LearnJobs.Busy.class, () -> jobs.start(new LearnJobs.Request("pets", null, false, "test")));
    }
}
