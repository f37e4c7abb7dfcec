package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The ABBA bookkeeping: means per side, the difference, and the noise as the spread of the A legs. */
class FleetOverheadTest {

    private static FleetOverhead.Leg leg(boolean fleet, double fps, double p50, double p99) {
        var cam1 = new PipelineBench.CameraResult("cam1", 60, fps / 2, 0, p50 - 1, p99 - 1);
        var cam2 = new PipelineBench.CameraResult("cam2", 60, fps / 2, 0, p50 + 1, p99 + 1);
        var r = new PipelineBench.Result("m", 2, 10, 50, fps, fps / 50, List.of(cam1, cam2), 0, 100, 0, 1);
        return new FleetOverhead.Leg(fleet, r, fleet ? 7 : 0, fleet ? 2 : 0, 0);
    }

    @Test
    void theSidesAreMeansOfTheirLegsAndTheNoiseIsTheSpreadOfTheOffLegs() {
        var r = new FleetOverhead.Result(List.of(leg(false, 40, 20, 30), leg(true, 38, 21, 34), leg(true, 39, 22, 32), leg(false, 41, 21, 31)));
        assertEquals(new FleetOverhead.Comparison(40.5, 38.5, 1, 1, 1, Double.NaN), r.fps());
        assertEquals(-2, r.fps().difference());
        assertEquals(-2 / 40.5 * 100, r.fps().differencePercent(), 1e-12);
        assertFalse(r.fps().withinNoise());
        // The latency of a leg is the mean over its cameras (19 and 21 for a leg of 20).
        assertEquals(new FleetOverhead.Comparison(20.5, 21.5, 1, 1, 1, Double.NaN), r.latencyP50Ms());
        assertTrue(r.latencyP50Ms().withinNoise());
        assertEquals(new FleetOverhead.Comparison(30.5, 33, 1, 2, 1, Double.NaN), r.latencyP99Ms());
        assertFalse(r.latencyP99Ms().withinNoise());
        assertEquals(new FleetOverhead.Comparison(1, 1, 0, 0, 1, Double.NaN), r.cpuMsPerFrame());
    }

    @Test
    void withSeveralBlocksADifferenceIsJudgedByItsConfidenceIntervalOverTheBlocks() {
        // Block differences (on - off) of fps: -1, -3, -2: mean -2, sd 1, t(2 df) 4.303: ci95 = 4.303 / sqrt(3).
        var r = new FleetOverhead.Result(List.of(
                leg(false, 40, 20, 30), leg(true, 39, 20, 30), leg(true, 39, 20, 30), leg(false, 40, 20, 30),
                leg(false, 50, 20, 30), leg(true, 47, 20, 30), leg(true, 47, 20, 30), leg(false, 50, 20, 30),
                leg(false, 45, 20, 30), leg(true, 43, 20, 30), leg(true, 43, 20, 30), leg(false, 45, 20, 30)));
        FleetOverhead.Comparison fps = r.fps();
        assertEquals(3, fps.blocks());
        assertEquals(-2, fps.difference(), 1e-12);
        assertEquals(4.303 / Math.sqrt(3), fps.ci95(), 1e-12);
        assertTrue(fps.withinNoise(), "the interval -2 +- 2.48 holds 0");
        assertEquals(10, fps.noise(), 1e-12, "the off legs' spread (40..50) is no longer the judge");
        // The same blocks all at -2: the interval shrinks to 0 and the difference stands out.
        var steady = new FleetOverhead.Result(List.of(
                leg(false, 40, 20, 30), leg(true, 38, 20, 30), leg(true, 38, 20, 30), leg(false, 40, 20, 30),
                leg(false, 50, 20, 30), leg(true, 48, 20, 30), leg(true, 48, 20, 30), leg(false, 50, 20, 30)));
        assertEquals(0, steady.fps().ci95(), 1e-12);
        assertFalse(steady.fps().withinNoise());
    }

    @Test
    void aComparisonNeedsBothSides() {
        assertThrows(IllegalArgumentException.class, () -> new FleetOverhead.Result(List.of(leg(false, 40, 20, 30), leg(false, 41, 20, 30))));
        assertThrows(IllegalArgumentException.class, () -> new FleetOverhead.Result(List.of(leg(true, 40, 20, 30))));
    }

    @Test
    void theLegsRunOffOnOnOff() {
        assertEquals(List.of(false, true, true, false), FleetOverhead.ORDER);
    }
}
