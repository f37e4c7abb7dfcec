package dev.vigil.drift;

import static dev.vigil.drift.Frames.detected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.config.DriftConfig;
import dev.vigil.testing.VirtualTime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daily drift lines on virtual time: at local midnight to the millisecond, and for the day so far at the stop. */
class DailySummaryTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin"); // UTC+1 in November: the start (08:00Z) is 09:00 there

    final VirtualTime time = new VirtualTime();
    final List<String> lines = new ArrayList<>();
    final List<Long> writtenAtMs = new ArrayList<>();

    DailySummary summary(ZoneId zone) {
        return new DailySummary(Frames.DOOR, "ssd", time, zone, line -> {
            lines.add(line);
            writtenAtMs.add(time.elapsed().toMillis());
        });
    }

    DriftMeters drift(DailySummary s) {
        return new DriftMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Frames.DOOR, DriftConfig.DEFAULT, "ssd", s);
    }

    static String hours(int... hourAndCount) {
        long[] h = new long[24];
        for (int i = 0; i < hourAndCount.length; i += 2) h[hourAndCount[i]] = hourAndCount[i + 1];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) b.append(i == 0 ? "" : ",").append(h[i]);
        return b.toString();
    }

    @Test
    void theDayIsSummedUpAtLocalMidnightAndTheNextDaySoFarAtTheStop() {
        DailySummary s = summary(BERLIN);
        DriftMeters drift = drift(s);
        time.advance(Duration.ofHours(1)); // 10:00 local
        drift.accept(detected("ssd", time.instant(), "person", 0.55, "person", 0.9, "cat", 0.45), null);
        drift.accept(detected("ssd", time.instant(), "person", 0.52), null);
        time.advance(Duration.ofMinutes(150)); // 12:30
        drift.accept(detected("ssd", time.instant(), "dog", 0.35), null);
        drift.accept(detected("ssd", time.instant(), "person", 0.6, "cat", 0.4), null);
        drift.accept(detected("ssd_v2", time.instant(), "person", 0.7), null);

        time.advance(Duration.ofHours(15).minus(time.elapsed()).minusMillis(1)); // 23:59:59.999 local
        assertEquals(List.of(), lines);
        time.advance(Duration.ofMillis(1));
        assertEquals(List.of(
                "drift door/person 2026-11-21 09:00-24:00 model=ssd frames=4 scored=3 median=0.600 uncertain=1 uncertain_share=0.250 labels=person:4 per_hour=" + hours(10, 3, 12, 1),
                "drift door/animal 2026-11-21 09:00-24:00 model=ssd frames=4 scored=2 median=0.400 uncertain=2 uncertain_share=0.500 labels=cat:2,dog:1 per_hour=" + hours(10, 1, 12, 2),
                "drift door/person 2026-11-21 09:00-24:00 model=ssd_v2 frames=1 scored=1 median=0.700 uncertain=0 uncertain_share=0.000 labels=person:1 per_hour=" + hours(12, 1),
                "drift door/animal 2026-11-21 09:00-24:00 model=ssd_v2 frames=1 scored=0 median=- uncertain=0 uncertain_share=0.000 labels=none per_hour=" + hours()),
                lines);
        assertEquals(List.of(54_000_000L, 54_000_000L, 54_000_000L, 54_000_000L), writtenAtMs, "at 23:00Z, Berlin's midnight");
        lines.clear();
        writtenAtMs.clear();

        time.advance(Duration.ofMinutes(75)); // 01:15 on the 22nd
        drift.accept(detected("ssd_v2", time.instant(), "person", 0.8), null);
        // A frame of yesterday that the bus handed over late: in neither day's line.
        drift.accept(detected("ssd_v2", Instant.parse("2026-11-21T22:59:59.900Z"), "person", 0.95), null);
        time.advance(Duration.ofMinutes(75)); // 02:30
        drift.close();
        assertEquals(List.of(
                "drift door/person 2026-11-22 00:00-02:30 model=ssd_v2 frames=1 scored=1 median=0.800 uncertain=0 uncertain_share=0.000 labels=person:1 per_hour=" + hours(1, 1),
                "drift door/animal 2026-11-22 00:00-02:30 model=ssd_v2 frames=1 scored=0 median=- uncertain=0 uncertain_share=0.000 labels=none per_hour=" + hours()),
                lines);
        assertEquals(List.of(63_000_000L, 63_000_000L), writtenAtMs);
        drift.close();
        time.advance(Duration.ofDays(3));
        assertEquals(2, lines.size(), "stopped: no more lines, and closing twice writes the day once");
        assertEquals(0, time.pending(), "the midnight timer is gone");
    }

    @Test
    void aFrameOfTheNextDayEndsTheDayOnceWhateverTheTimerDoes() {
        DailySummary s = summary(BERLIN);
        DriftMeters drift = drift(s);
        time.advance(Duration.ofHours(15).minusSeconds(1)); // 23:59:59 local
        // Stamped 30 s ahead (a camera's clock): the day ends with it, and the timer at midnight adds nothing.
        drift.accept(detected("ssd", time.instant().plusSeconds(30), "person", 0.9), null);
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("drift door/person 2026-11-21 09:00-24:00 model=ssd frames=0 scored=0 median=- uncertain=0 uncertain_share=- labels=none per_hour="
                + hours(), lines.get(0));
        time.advance(Duration.ofSeconds(2));
        assertEquals(2, lines.size(), lines.toString());
        time.advance(Duration.ofHours(1));
        drift.close();
        assertEquals("drift door/person 2026-11-22 00:00-01:00 model=ssd frames=1 scored=1 median=0.900 uncertain=0 uncertain_share=0.000 labels=person:1 per_hour="
                + hours(0, 1), lines.get(2));
    }

    @Test
    void midnightFollowsTheClockAcrossADaylightSavingChange() {
        DailySummary s = summary(ZoneId.of("America/New_York")); // the start, 08:00Z, is 03:00 EST
        time.advance(Duration.ofDays(116)); // past 2027-03-14, when New York's clocks go from 02:00 to 03:00
        s.close();
        assertEquals("drift door/person 2026-11-21 03:00-24:00 model=ssd frames=0 scored=0 median=- uncertain=0 uncertain_share=- labels=none per_hour="
                + hours(), lines.get(0));
        assertEquals(21 * 3_600_000L, writtenAtMs.get(0), "05:00Z: midnight EST");
        long march13 = endOf("2027-03-13"), march14 = endOf("2027-03-14"), march15 = endOf("2027-03-15");
        assertEquals(23 * 3_600_000L, march14 - march13, "the day of the change has 23 hours");
        assertEquals(24 * 3_600_000L, march15 - march14);
        assertEquals(Instant.parse("2027-03-15T04:00:00Z"), VirtualTime.START.plusMillis(march14), "midnight EDT");
        assertEquals(2 * 116 + 2, lines.size(), "two groups a day, and the day so far at the stop");
    }

    private long endOf(String day) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(" " + day + " 00:00-24:00 ")) return writtenAtMs.get(i);
        throw new AssertionError("no line for " + day + " in " + lines);
    }
}
