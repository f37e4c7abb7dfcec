package dev.vigil.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.capture.Frame;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.QcConfig;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.TestData;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One QC station on virtual time: a part's push comes at edge + delay to the millisecond, whenever its verdict came;
 * parts in flight overlap; a verdict after the due time is late; a part without a frame is UNCERTAIN at max_wait.
 */
class QcStationTest {

    static Analyzer detector; // only its kind and labels are read: the detections are given

    @BeforeAll
    static void load() { detector = Analyzer.open(TestData.model(TestData.DETECTOR), Analyzer.Options.defaults(1)); }

    @AfterAll
    static void unload() { detector.close(); }

    @TempDir
    Path tmp;

    final VirtualTime time = new VirtualTime();
    final List<String> pushes = new ArrayList<>();
    final List<QcResult> results = new ArrayList<>();

    QcStation station(String extra) { return station(500, extra); }

    QcStation station(int maxWaitMs, String extra) {
        QcConfig q = ConfigLoader.parse("""
                cameras:
                  line1: { source: { folder: /nowhere, fps: 20 }, groups: { ng: { labels: [cat] } } }
                gpio:
                  outputs: { reject: { pin: 24, kind: relay } }
                  inputs: { barrier: { pin: 17, kind: trigger } }
                qc:
                  line1: { trigger: barrier, reject: reject, delay_ms: 700, pulse_ms: 80, ok_labels: [dog], ng_labels: [cat],
                           max_wait_ms: %d, snapshots: none%s }
                """.formatted(maxWaitMs, extra), tmp, Map.of()).qc().get("line1");
        QcStation s = new QcStation(q, (pulse, captureNanos) -> pushes.add(ms(time.nanoTime()) + " for " + pulse.toMillis()),
                time.scheduler(), time.scheduler(), null, time);
        s.addListener(results::add);
        return s;
    }

    static long ms(long nanos) { return (nanos - VirtualTime.START_NANOS) / 1_000_000; }

    long nowMs() { return ms(time.nanoTime()); }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    static Frame frame(long captureNanos) {
        return new Frame("line1", 1, null, captureNanos, VirtualTime.START, "part.jpg");
    }

    /** A frame captured {@code capturedMsAgo} ms ago, judged now, showing {@code label}. */
    void judge(QcStation s, String label, long capturedMsAgo) {
        long captured = time.nanoTime() - capturedMsAgo * 1_000_000;
        var result = new dev.vigil.pipeline.FrameResult("line1", 1, VirtualTime.START, "part.jpg", captured,
                new dev.vigil.pipeline.ModelId("test", "0".repeat(64), "cpu"), Analyzer.Kind.DETECTOR,
                List.of(new Detection(label, 0, 0.9f, new float[] {0, 0, 1, 1})), List.of(), List.of(),
                new dev.vigil.pipeline.StageTimings(0, 0, 0, 0, 0), time.nanoTime());
        s.frameProcessed(frame(captured), result);
    }

    @Test
    void anNgPartIsPushedAtEdgePlusDelayHoweverLongInferenceTook() {
        QcStation s = station("");
        assertEquals("trigger", s.skip(), "no part: no inference");
        s.edge(time.nanoTime());
        assertNull(s.skip(), "a part waits for its frame");
        advanceMs(330);
        judge(s, "cat", 300); // captured 30 ms after the edge, verdict 300 ms later
        assertEquals("trigger", s.skip());
        advanceMs(369);
        assertEquals(List.of(), pushes);
        advanceMs(1);
        assertEquals(List.of("700 for 80"), pushes);
        QcResult r = results.getFirst();
        assertEquals(Verdict.NG, r.verdict());
        assertEquals(VirtualTime.START, r.edgeTime());
        assertEquals(List.of(0L, 30L, 330L, 700L), List.of(ms(r.edgeNanos()), ms(r.frameNanos()), ms(r.decidedNanos()), ms(r.pushAtNanos())));
        assertEquals(new QcCounts(0, 1, 0, 1, 0), s.counts());
        assertEquals(0.0, s.pushError().percentileMs(1.0), "pushed exactly at the due time");
    }

    @Test
    void partsInFlightAreJudgedAndPushedEachOnItsOwnTime() {
        QcStation s = station("");
        String[] line = {"cat", "dog", "cat", "cat"};
        for (String part : line) { // a part every 250 ms, its verdict 120 ms after its edge
            s.edge(time.nanoTime());
            advanceMs(120);
            judge(s, part, 100);
            advanceMs(130);
        }
        advanceMs(1000);
        assertEquals(List.of("700 for 80", "1200 for 80", "1450 for 80"), pushes, "parts 1, 3 and 4 at their edge + 700 ms");
        assertEquals(new QcCounts(1, 3, 0, 3, 0), s.counts());
        assertEquals(List.of(1L, 2L, 3L, 4L), results.stream().map(QcResult::part).toList());
    }

    @Test
    void aVerdictAfterThePushWasDueIsLateAndNotPushed() {
        QcStation s = station(2000, "");
        s.edge(time.nanoTime());
        advanceMs(701);
        judge(s, "cat", 690);
        advanceMs(1000);
        assertEquals(List.of(), pushes);
        assertEquals(new QcCounts(0, 1, 0, 0, 1), s.counts());
        assertTrue(results.getFirst().late());
    }

    @Test
    void aPartWhoseFrameDoesNotComeWithinMaxWaitIsUncertainAndPushedWhenSoConfigured() {
        QcStation s = station(", reject_uncertain: true");
        s.edge(time.nanoTime());
        advanceMs(499);
        assertEquals(1, s.waiting());
        advanceMs(1);
        assertEquals(0, s.waiting(), "given up at exactly max_wait");
        assertEquals("trigger", s.skip());
        assertEquals("no frame within 500 ms", results.getFirst().reason());
        assertEquals(500, ms(results.getFirst().decidedNanos()));
        advanceMs(1000);
        assertEquals(List.of("700 for 80"), pushes, "UNCERTAIN is rejected at edge + delay too");
        assertEquals(new QcCounts(0, 0, 1, 1, 0), s.counts());
    }

    @Test
    void aFrameFromBeforeTheEdgeJudgesNothingAndTwoEdgesBeforeAFrameLeaveTheFirstUncertain() {
        QcStation s = station("");
        s.edge(time.nanoTime());
        advanceMs(50);
        judge(s, "cat", 60); // captured 10 ms before the edge: shows the part before
        assertEquals(1, s.waiting());
        s.edge(time.nanoTime()); // the next part at 50 ms, before any frame of the first
        advanceMs(40);
        judge(s, "dog", 20);
        assertEquals(0, s.waiting());
        advanceMs(2000);
        assertEquals(List.of(Verdict.UNCERTAIN, Verdict.OK), results.stream().map(QcResult::verdict).toList());
        assertEquals("no frame before the next part", results.getFirst().reason());
        assertEquals(List.of(), pushes);
    }
}
