package dev.vigil.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.SwapConfig;
import dev.vigil.health.Health;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.ModelSpec;
import dev.vigil.testing.FakeEngine;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probation on virtual time, with a loop of the test's own: the previous model is freed exactly when probation ends,
 * and a loop that stops turning after the switch brings the previous model back as soon as it turns again.
 */
class ProbationTest {

    @TempDir
    Path tmp;

    /** The inference loop, played by the test: tasks run at once while it turns, wait while it is stuck. */
    static final class Loop implements ModelSlot {
        volatile LoadedModel current;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
        boolean stuck;

        @Override public LoadedModel current() { return current; }
        @Override public void use(LoadedModel m) { current = m; }

        @Override
        public synchronized void betweenFrames(Runnable task) {
            if (stuck) waiting.add(task);
            else task.run();
        }

        synchronized void turn() {
            stuck = false;
            for (Runnable t; (t = waiting.poll()) != null; ) t.run();
        }
    }

    final VirtualTime time = new VirtualTime();
    final Map<String, FakeEngine> engines = new HashMap<>();

    LoadedModel load(String name) {
        try {
            Path file = Files.writeString(tmp.resolve(name), "fake " + name);
            FakeEngine e = FakeEngine.detectorSeeing("person", 0.9f);
            engines.put(name, e);
            Analyzer a = e.analyzers().open(ModelSpec.forFile(file), Analyzer.Options.defaults(1));
            return new LoadedModel(a, new ModelId(name, name + "-sha256", "fake"), 10);
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    ModelSwap swap(Loop loop, Health health) {
        ModelSwap.Loader loader = new ModelSwap.Loader() {
            @Override public LoadedModel load(String nameOrPath) { return ProbationTest.this.load(nameOrPath); }
            @Override public String labelProblem(LoadedModel m) { return null; }
        };
        return new ModelSwap(loop, loader, new SwapConfig(Duration.ofSeconds(300), 0.8, 3), Map.of(), health, time, time.scheduler());
    }

    @Test
    void thePreviousModelIsFreedWhenProbationEnds() {
        Loop loop = new Loop();
        loop.current = load("a");
        Health health = new Health(Map.of(), time::nanoTime);
        ModelSwap swap = swap(loop, health);
        assertTrue(swap.deploy(new DeployRequest("b", true, "test")).switched());
        assertEquals("b", loop.current.id().name());
        time.advance(Duration.ofMillis(299_999));
        assertFalse(engines.get("a").closed(), "still in probation");
        assertEquals("a", swap.status().previous().id().name());
        time.advance(Duration.ofMillis(1));
        assertTrue(engines.get("a").closed(), "freed at 300 s to the millisecond");
        assertNull(swap.status().previous());
        assertNull(swap.status().probationEnds());
        assertFalse(engines.get("b").closed());
    }

    @Test
    void aLoopStuckAfterTheSwitchGetsThePreviousModelBackWhenItTurns() {
        Loop loop = new Loop();
        loop.current = load("a");
        Health health = new Health(Map.of(), time::nanoTime);
        health.modelLoaded();
        health.loopTurned(time.nanoTime());
        ModelSwap swap = swap(loop, health);
        List<ModelSwap.Change> changes = new ArrayList<>();
        swap.addListener(changes::add);
        assertTrue(swap.deploy(new DeployRequest("b", true, "test")).switched());
        health.loopTurned(time.nanoTime());
        loop.stuck = true; // b hangs in its first invoke

        time.advance(Duration.ofSeconds(15));
        assertNull(health.stuck(), "15 s is the limit, not past it");
        assertEquals("b", loop.current.id().name());
        time.advance(Duration.ofSeconds(1));
        assertTrue(health.stuck().startsWith("the inference loop has not turned"), health.stuck());
        assertEquals("b", loop.current.id().name(), "a switch waits for the loop");
        assertEquals(1, loop.waiting.size(), "one rollback asked for, however long it stays stuck");
        time.advance(Duration.ofSeconds(5));
        assertEquals(1, loop.waiting.size());

        loop.turn();
        assertEquals("a", loop.current.id().name());
        assertEquals(1, swap.status().rollbacks());
        assertEquals("rollback", changes.getLast().what());
        assertTrue(changes.getLast().reason().startsWith("the inference loop has not turned for 16 s"), changes.getLast().reason());
        time.runDue();
        assertTrue(engines.get("b").closed(), "the stuck model is freed once the loop left it");
        assertFalse(engines.get("a").closed());
    }
}
