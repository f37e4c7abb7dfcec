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
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void alarmLatencyStateAndQcCountsAreExportedAndPassPromtool() throws Exception {
        try (Metrics m = metrics(tmp.resolve("sys"))) {
            m.alarmLatency("door", 12_000_000);
            m.alarmLatency("door", 40_000_000);
            AtomicReference<String> state = new AtomicReference<>("ARMED");
            m.alarmState("door", state::get);
            m.qcCount("line", "OK");
            m.qcCount("line", "ok");
            m.qcCount("line", "ng");
            m.qcCount("line", "uncertain");
            String text = m.scrape();
            assertEquals(2, value(text, "vigil_alarm_latency_seconds_count{camera=\"door\"}"));
            assertEquals(0.052, value(text, "vigil_alarm_latency_seconds_sum{camera=\"door\"}"), 1e-9);
            assertEquals(1, value(text, "vigil_alarm_latency_seconds_bucket{camera=\"door\",le=\"0.025\"}"));
            assertEquals(2, value(text, "vigil_alarm_latency_seconds_bucket{camera=\"door\",le=\"0.05\"}"));
            assertEquals(1, value(text, "vigil_alarm_state{camera=\"door\",state=\"armed\"}"));
            assertEquals(0, value(text, "vigil_alarm_state{camera=\"door\",state=\"triggered\"}"));
            state.set("TRIGGERED");
            text = m.scrape();
            assertEquals(0, value(text, "vigil_alarm_state{camera=\"door\",state=\"armed\"}"));
            assertEquals(1, value(text, "vigil_alarm_state{camera=\"door\",state=\"triggered\"}"));
            assertEquals("triggered", m.alarmStates().get("door"));
            assertEquals(2, value(text, "vigil_qc_parts_total{camera=\"line\",result=\"ok\"}"));
            assertEquals(1, value(text, "vigil_qc_parts_total{camera=\"line\",result=\"ng\"}"));
            assertEquals(0.5, value(text, "vigil_qc_yield{camera=\"line\"}"), 1e-9);
            assertThrows(IllegalArgumentException.class, () -> m.qcCount("line", "maybe"));
            assertEquals("", Promtool.check(text));
        }
    }

    @Test
    void observingAFrameAllocatesNothingAndTakesAboutAMicrosecond() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Metrics m = metrics(tmp.resolve("sys"));
             dev.vigil.pipeline.Analyzer a = dev.vigil.pipeline.Analyzer.open(dev.vigil.testing.TestData.model(dev.vigil.testing.TestData.DETECTOR),
                     dev.vigil.pipeline.Analyzer.Options.defaults(1));
             org.bytedeco.opencv.opencv_core.Mat img = dev.vigil.testing.TestData.read("grace_hopper.bmp");
             dev.vigil.http.LiveView live = new dev.vigil.http.LiveView(List.of("door"), 5)) {
            a.analyze(img, 0.5f);
            var detections = a.detections().toList(a::label);
            var frame = new dev.vigil.capture.Frame("door", 1, img, System.nanoTime(), java.time.Instant.now(), "grace_hopper.bmp");
            dev.vigil.daemon.PipelineObserver[] observers = {m.observer(), live};
            for (var o : observers) o.cameraState("door", null, dev.vigil.capture.CameraState.UP, null);
            int n = 200_000;
            long bytes = 0, nanos = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up (meters made, code compiled)
                long b0 = mx.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < observers.length; k++) { // indexed: an iterator would be the only allocation here
                        observers[k].frameProcessed("door", frame, a, detections, System.nanoTime());
                        observers[k].frameSkipped("door", frame, "motion");
                    }
                }
                nanos = System.nanoTime() - t0;
                bytes = mx.getCurrentThreadAllocatedBytes() - b0;
            }
            System.out.printf("observers: %.0f ns and %.3f bytes per processed+skipped frame%n", (double) nanos / n, (double) bytes / n);
            assertTrue(bytes < n / 100, "allocated " + bytes + " bytes over " + n + " frames");
            String text = m.scrape();
            assertEquals(2.0 * n, value(text, "vigil_frames_processed_total{camera=\"door\"}"));
            assertEquals(2.0 * n, value(text, "vigil_frames_motion_skipped_total{camera=\"door\"}"));
            assertTrue(live.latest("door") != null, "the live view kept a frame");
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
