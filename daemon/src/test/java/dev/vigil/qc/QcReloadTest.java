package dev.vigil.qc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.capture.Frame;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.QcConfig;
import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.FrameResult;
import dev.vigil.pipeline.ModelId;
import dev.vigil.pipeline.StageTimings;
import dev.vigil.postprocess.Detection;
import dev.vigil.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QC station given a reloaded config (issue 12), on virtual time: the next part is judged with the new labels and
 * pushed at its edge + the new delay, for the new pulse; a push already scheduled keeps its time and length.
 */
class QcReloadTest {

    @TempDir Path tmp;
    final VirtualTime time = new VirtualTime();
    final List<String> pushes = new ArrayList<>();

    QcConfig config(String delay, String ngLabels) {
        return ConfigLoader.parse("""
                cameras:
                  line1: { source: { folder: /nowhere, fps: 20 }, groups: { ng: { labels: [cat] } } }
                gpio:
                  outputs: { reject: { pin: 24, kind: relay } }
                  inputs: { barrier: { pin: 17, kind: trigger } }
                qc:
                  line1: { trigger: barrier, reject: reject, delay_ms: %s, pulse_ms: %s, ok_labels: [dog], ng_labels: %s,
                           snapshots: none }
                """.formatted(delay, delay.equals("700") ? "80" : "30", ngLabels), tmp, Map.of()).qc().get("line1");
    }

    QcStation.Rejector rejector() { return (pulse, nanos) -> pushes.add(ms(time.nanoTime()) + " for " + pulse.toMillis()); }

    static long ms(long nanos) { return (nanos - VirtualTime.START_NANOS) / 1_000_000; }

    void advanceMs(long ms) { time.advance(Duration.ofMillis(ms)); }

    void part(QcStation s, String label) {
        s.edge(time.nanoTime());
        long captured = time.nanoTime();
        advanceMs(20);
        FrameResult r = new FrameResult("line1", 1, VirtualTime.START, "part.jpg", captured, new ModelId("test", "0".repeat(64), "cpu"),
                Analyzer.Kind.DETECTOR, List.of(new Detection(label, 0, 0.9f, new float[] {0, 0, 1, 1})), List.of(), List.of(),
                new StageTimings(0, 0, 0, 0, 0), time.nanoTime());
        s.frameProcessed(new Frame("line1", 1, null, captured, VirtualTime.START, "part.jpg"), r);
    }

    @Test
    void theNextPartIsJudgedAndPushedWithTheReloadedSettings() {
        QcStation s = new QcStation(config("700", "[cat]"), rejector(), time.scheduler(), time.scheduler(), null, time);
        part(s, "cat"); // edge at 0: NG, push due at 700 for 80 ms
        advanceMs(80);
        s.reconfigure(config("300", "[cat, fox]"), rejector());
        part(s, "fox"); // edge at 100: NG only under the new labels, due at 100 + 300
        advanceMs(1000);
        assertEquals(List.of("400 for 30", "700 for 80"), pushes, "the new part at its new time and pulse; the first as it was set");
        assertEquals(new QcCounts(0, 2, 0, 2, 0), s.counts());
        assertThrows(IllegalArgumentException.class, () -> s.reconfigure(
                ConfigLoader.parse("""
                        cameras:
                          line2: { source: { folder: /nowhere, fps: 20 }, groups: { ng: { labels: [cat] } } }
                        gpio:
                          outputs: { reject: { pin: 24, kind: relay } }
                          inputs: { barrier: { pin: 17, kind: trigger } }
                        qc:
                          line2: { trigger: barrier, reject: reject, ok_labels: [dog] }
                        """, tmp, Map.of()).qc().get("line2"), rejector()), "a station stays on its camera");
    }
}
