package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.PowerConfig;
import dev.vigil.power.CommandRunner;
import dev.vigil.power.PowerSensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters the GPIO stage and the machine feed, read back from the Prometheus exposition. */
class MetricsTest {

    @TempDir
    Path tmp;

    static final CommandRunner NO_VCGENCMD = (argv, t) -> { throw new IOException("no such command: " + argv.get(0)); };

    Metrics metrics(Path sys) {
        PowerSensors.Machine m = new PowerSensors.Machine(sys, NO_VCGENCMD, () -> 0.5, System::nanoTime);
        return new Metrics(new Metrics.Options(new PowerConfig("auto", 2, 6, Duration.ofSeconds(1)), m, tmp.resolve("proc"), Duration.ofSeconds(1)));
    }

    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
        if (!m.find()) throw new AssertionError("no series " + series + " in\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    static dev.vigil.qc.QcResult part(String camera, dev.vigil.qc.Verdict v) {
        return new dev.vigil.qc.QcResult(camera, 1, v, null, 0f, java.time.Instant.EPOCH, 0, 0, 0, 0, false, null, null);
    }

    @Test
    void alarmLatencyStateAndQcCountsAreExportedAndPassPromtool() throws Exception {
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Metrics m = metrics(tmp.resolve("sys"))) {
            var alarms = new dev.vigil.alarm.Alarms(Map.of("door", true), java.util.Set.of(), Duration.ofHours(1), Duration.ofHours(1),
                    timer, dev.vigil.time.TimeSource.system());
            DecisionMeters dm = new DecisionMeters(alarms, List.of("line"));
            m.bind(dm);
            dm.alarmLatency("door", 12_000_000);
            dm.alarmLatency("door", 40_000_000);
            dm.qcVerdict(part("line", dev.vigil.qc.Verdict.OK));
            dm.qcVerdict(part("line", dev.vigil.qc.Verdict.OK));
            dm.qcVerdict(part("line", dev.vigil.qc.Verdict.NG));
            dm.qcVerdict(part("line", dev.vigil.qc.Verdict.UNCERTAIN));
            dm.qcVerdict(part("other", dev.vigil.qc.Verdict.OK)); // not a QC camera: ignored
            String text = m.scrape();
            assertEquals(2, value(text, "vigil_alarm_latency_seconds_count{camera=\"door\"}"));
            assertEquals(0.052, value(text, "vigil_alarm_latency_seconds_sum{camera=\"door\"}"), 1e-9);
            assertEquals(1, value(text, "vigil_alarm_latency_seconds_bucket{camera=\"door\",le=\"0.025\"}"));
            assertEquals(2, value(text, "vigil_alarm_latency_seconds_bucket{camera=\"door\",le=\"0.05\"}"));
            assertEquals(1, value(text, "vigil_alarm_state{camera=\"door\",state=\"armed\"}"));
            assertEquals(0, value(text, "vigil_alarm_state{camera=\"door\",state=\"triggered\"}"));
            alarms.trigger("door", "person", "person 0.9");
            text = m.scrape();
            assertEquals(0, value(text, "vigil_alarm_state{camera=\"door\",state=\"armed\"}"));
            assertEquals(1, value(text, "vigil_alarm_state{camera=\"door\",state=\"triggered\"}"));
            assertEquals(2, value(text, "vigil_qc_parts_total{camera=\"line\",result=\"ok\"}"));
            assertEquals(1, value(text, "vigil_qc_parts_total{camera=\"line\",result=\"ng\"}"));
            assertEquals(0.5, value(text, "vigil_qc_yield{camera=\"line\"}"), 1e-9);
            assertEquals("", Promtool.check(text));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void theFrameMetersCountEveryOutcomeAllocatingNothingPerFrame() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Metrics m = metrics(tmp.resolve("sys"))) {
            FrameMeters f = new FrameMeters(m.registry(), Map.of("door", List.of("person")));
            m.start(f);
            var model = new dev.vigil.pipeline.ModelId("ssd", "ab".repeat(32), "xnnpack");
            var trigger = new dev.vigil.rules.Trigger("door", "person",
                    new dev.vigil.postprocess.Detection("person", 0, 0.9f, new float[] {0, 0, 1, 1}), java.time.Instant.EPOCH);
            var result = new dev.vigil.pipeline.FrameResult("door", 1, java.time.Instant.EPOCH, "x", 1_000_000, model,
                    dev.vigil.pipeline.Analyzer.Kind.DETECTOR, List.of(trigger.detection()), List.of(), List.of(trigger),
                    new dev.vigil.pipeline.StageTimings(1_000_000, 2_000_000, 10_000_000, 300_000, 20_000), 14_000_000);
            var skipped = new dev.vigil.pipeline.FrameOutcome.Skipped("door", 2, 0, 0, "motion");
            var gated = new dev.vigil.pipeline.FrameOutcome.Skipped("door", 3, 0, 0, "wake");
            var failed = new dev.vigil.pipeline.FrameOutcome.Failed("door", 4, 0, 0, "inference", "edge tpu gone");
            int n = 100_000;
            long bytes = 0, nanos = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up (meters made, code compiled)
                long b0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    f.accept(result, null);
                    f.accept(skipped, null);
                }
                nanos = System.nanoTime() - t0;
                bytes = mx.getCurrentThreadAllocatedBytes() - b0;
            }
            f.accept(gated, null);
            f.accept(failed, null);
            System.out.printf("frame meters: %.0f ns and %.3f bytes per processed+skipped frame%n", (double) nanos / n, (double) bytes / n);
            // Nothing per frame: even one 16-byte object per frame would be 1.6 MB here; a few KB are the JIT's one-offs.
            assertTrue(bytes < 16 * 1024, "allocated " + bytes + " bytes over " + n + " frames");
            String text = m.scrape();
            assertEquals(2.0 * n, value(text, "vigil_frames_processed_total{camera=\"door\"}"));
            assertEquals(2.0 * n, value(text, "vigil_frames_motion_skipped_total{camera=\"door\"}"));
            assertEquals(2.0 * n, value(text, "vigil_events_total{camera=\"door\",group=\"person\"}"));
            assertEquals(1, value(text, "vigil_frames_dropped_total{camera=\"door\",reason=\"wake\"}"));
            assertEquals(1, value(text, "vigil_errors_total{camera=\"door\",stage=\"inference\"}"));
            assertEquals(0.013, value(text, "vigil_frame_seconds_sum{camera=\"door\",model=\"ssd\"}") / (2.0 * n), 1e-9, "capture to decision");
            assertEquals(0.010, value(text, "vigil_inference_seconds_sum{camera=\"door\",model=\"ssd\"}") / (2.0 * n), 1e-9);
            // /api/status reads the same meters
            assertEquals(2L * n, f.processed("door"));
            assertEquals(1, f.gateSkipped("door"));
            assertEquals(1, f.errors("door"));
            assertEquals(2L * n, f.inferences());
            assertEquals("", Promtool.check(text));
        }
    }

    @Test
    void withoutSensorsThePowerIsALabelledEstimate() throws Exception {
        try (Metrics m = metrics(tmp.resolve("empty-sys"))) {
            String text = m.scrape();
            assertEquals(4.0, value(text, "vigil_power_watts{rail=\"total\",source=\"estimate\"}"), 1e-9);
            assertTrue(text.contains("vigil_energy_joules_total{source=\"estimate\"}"), text);
            assertEquals("estimate", m.power().orElseThrow().sensor().source());
        }
    }

    @Test
    void thermalZonesAndResidentMemoryComeFromTheirFiles() throws Exception {
        Path sys = tmp.resolve("sys");
        for (String[] z : List.of(new String[] {"0", "cpu-thermal", "51250"}, new String[] {"1", "acpitz", "40000"},
                new String[] {"2", "acpitz", "41500"})) {
            Path d = Files.createDirectories(sys.resolve("class/thermal/thermal_zone" + z[0]));
            Files.writeString(d.resolve("type"), z[1] + "\n");
            Files.writeString(d.resolve("temp"), z[2] + "\n");
        }
        Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(tmp.resolve("proc/status"), "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t  123456 kB\nThreads:\t40\n");
        try (Metrics m = metrics(sys)) {
            String text = m.scrape();
            assertEquals(51.25, value(text, "vigil_temperature_celsius{zone=\"cpu-thermal\"}"), 1e-9);
            assertEquals(40.0, value(text, "vigil_temperature_celsius{zone=\"acpitz\"}"), 1e-9);
            assertEquals(41.5, value(text, "vigil_temperature_celsius{zone=\"acpitz_1\"}"), 1e-9);
            assertEquals(123456 * 1024.0, value(text, "process_resident_memory_bytes"), 1e-3);
            assertTrue(value(text, "process_cpu_seconds_total") > 0, text);
            assertEquals("", Promtool.check(text));
        }
    }
}
