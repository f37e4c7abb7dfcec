package dev.vigil.drift;

import dev.vigil.pipeline.FrameResult;
import dev.vigil.rules.GroupRule;
import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drift numbers of each local day, one line per camera, rule group and model, written at local midnight and when
 * the daemon stops (then for the day so far):
 *
 * <pre>
 * drift door/person 2026-11-21 08:00-24:00 model=ssd_mobilenet_v1_coco_quant frames=5000 scored=1200 median=0.734
 *     uncertain=60 uncertain_share=0.012 labels=person:1432 per_hour=0,0,0,0,0,0,0,0,113,...
 * </pre>
 * (one line in the log). {@code frames}: frames the camera analysed with that model; {@code scored}: those holding one
 * of the group's labels at or above its min_score; {@code median}: the median of their best scores (to the thousandth);
 * {@code uncertain}: those whose best score was in the uncertain band, and their share of {@code frames};
 * {@code labels}: the group's labels counted (as {@code vigil_labels_total}); {@code per_hour}: those counts in each local
 * hour 0..23. A frame belongs to the day of its capture time; the midnight is the local one of {@code zone}, found anew
 * each day so a daylight-saving change moves it with the clock.
 */
public final class DailySummary implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DailySummary.class);
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final Map<String, List<GroupRule>> groups;
    private final TimeSource time;
    private final ZoneId zone;
    private final Consumer<String> out;
    private final ScheduledExecutorService timer;
    private final Map<String, String> lastModel = new HashMap<>();           // camera -> model of its last frame
    private final Map<String, Map<String, Day>> counts = new HashMap<>();    // camera -> model -> the day's counts
    private LocalDate day;
    private Instant from;
    private ScheduledFuture<?> midnight;
    private boolean closed;

    /**
     * Starts counting now and schedules the first midnight on a timer of {@code time}.
     *
     * @param groups each camera's rule groups, in config order: the lines' order
     * @param model  the model at start, named in the lines of a camera that analysed no frame
     * @param out    where the lines go
     */
    public DailySummary(Map<String, List<GroupRule>> groups, String model, TimeSource time, ZoneId zone, Consumer<String> out) {
        this.groups = new LinkedHashMap<>(groups);
        this.time = time;
        this.zone = zone;
        this.out = out;
        groups.keySet().forEach(c -> lastModel.put(c, model));
        Instant now = time.clock().instant();
        this.day = LocalDate.ofInstant(now, zone);
        this.from = now;
        this.timer = time.scheduler(Thread.ofPlatform().name("vigil-drift").daemon(true).factory());
        synchronized (this) {
            scheduleMidnight();
        }
    }

    /** In the machine's time zone, to the log. */
    public static DailySummary toLog(Map<String, List<GroupRule>> groups, String model, TimeSource time) {
        return new DailySummary(groups, model, time, ZoneId.systemDefault(), log::info);
    }

    /**
     * One analysed frame (on the drift consumer's thread).
     *
     * @param top       per group, in config order: the best score in millionths, -1 for none
     * @param uncertain per group: whether that score was in the uncertain band
     * @param result    the frame, for the labels it counts ({@link DriftMeters#countedLabels})
     */
    synchronized void frame(String camera, String model, Instant at, long[] top, boolean[] uncertain, FrameResult result) {
        List<GroupRule> gs = groups.get(camera);
        if (gs == null || closed) return;
        LocalDate date = LocalDate.ofInstant(at, zone);
        // A frame of yesterday that reaches this thread after the midnight line went out (the bus may be a moment late)
        // is left out of both days rather than put into the wrong one.
        if (date.isBefore(day)) return;
        if (date.isAfter(day)) roll(date);
        lastModel.put(camera, model);
        Day d = counts.computeIfAbsent(camera, c -> new LinkedHashMap<>()).computeIfAbsent(model, m -> new Day(gs));
        d.frames++;
        int hour = at.atZone(zone).getHour();
        for (int gi = 0; gi < gs.size(); gi++) {
            if (top[gi] < 0) continue;
            Group g = d.groups[gi];
            g.scored++;
            g.thousandths[(int) ((top[gi] + 500) / 1000)]++;
            if (uncertain[gi]) g.uncertain++;
        }
        int n = DriftMeters.countedLabels(result);
        for (int i = 0; i < n; i++) {
            String label = DriftMeters.countedLabel(result, i);
            for (int gi = 0; gi < gs.size(); gi++) {
                if (!gs.get(gi).labels().contains(label)) continue;
                d.groups[gi].labels.merge(label, 1L, Long::sum);
                d.groups[gi].perHour[hour]++;
            }
        }
    }

    /** Writes the day so far and stops the timer. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (midnight != null) midnight.cancel(false);
        timer.shutdownNow();
        Instant now = time.clock().instant();
        roll(LocalDate.ofInstant(now, zone));
        write(LocalTime.ofInstant(now, zone).format(HOUR_MINUTE));
    }

    private void midnightPassed() {
        synchronized (this) {
            if (closed) return;
            roll(LocalDate.ofInstant(time.clock().instant(), zone));
            scheduleMidnight();
        }
    }

    /** The next local midnight from the wall clock; a timer that woke a moment early finds the same midnight again. */
    private void scheduleMidnight() {
        Instant now = time.clock().instant();
        Instant next = LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
        midnight = timer.schedule(this::midnightPassed, Math.max(0, Duration.between(now, next).toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Ends the day being counted when {@code today} is a later one: its lines go out and counting starts afresh. */
    private void roll(LocalDate today) {
        if (!today.isAfter(day)) return;
        write("24:00");
        day = today;
        from = today.atStartOfDay(zone).toInstant();
        counts.clear();
    }

    private void write(String until) {
        String span = day + " " + LocalTime.ofInstant(from, zone).format(HOUR_MINUTE) + "-" + until;
        for (var e : groups.entrySet()) {
            String camera = e.getKey();
            Map<String, Day> byModel = counts.getOrDefault(camera, Map.of());
            if (byModel.isEmpty()) byModel = Map.of(lastModel.get(camera), new Day(e.getValue()));
            for (var m : byModel.entrySet()) {
                for (int gi = 0; gi < e.getValue().size(); gi++) {
                    out.accept(line(camera, e.getValue().get(gi).name(), span, m.getKey(), m.getValue(), m.getValue().groups[gi]));
                }
            }
        }
    }

    private static String line(String camera, String group, String span, String model, Day d, Group g) {
        StringBuilder labels = new StringBuilder();
        g.labels.forEach((l, n) -> {
            if (n > 0) labels.append(labels.isEmpty() ? "" : ",").append(l).append(':').append(n);
        });
        StringBuilder perHour = new StringBuilder();
        for (int h = 0; h < 24; h++) perHour.append(h == 0 ? "" : ",").append(g.perHour[h]);
        return "drift " + camera + "/" + group + " " + span + " model=" + model + " frames=" + d.frames + " scored=" + g.scored
                + " median=" + (g.scored == 0 ? "-" : String.format(Locale.ROOT, "%.3f", g.median() / 1000.0))
                + " uncertain=" + g.uncertain
                + " uncertain_share=" + (d.frames == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) g.uncertain / d.frames))
                + " labels=" + (labels.isEmpty() ? "none" : labels) + " per_hour=" + perHour;
    }

    /** One camera's day with one model. */
    private static final class Day {
        long frames;
        final Group[] groups;

        Day(List<GroupRule> gs) {
            groups = new Group[gs.size()];
            for (int i = 0; i < groups.length; i++) groups[i] = new Group(gs.get(i));
        }
    }

    /** One group's day: its scores to the thousandth (an exact median at that precision, in 8 KB), its labels. */
    private static final class Group {
        long scored, uncertain;
        final long[] thousandths = new long[1001];
        final Map<String, Long> labels = new LinkedHashMap<>();
        final long[] perHour = new long[24];

        Group(GroupRule rule) {
            // Counted labels in the group's order, the ones never seen left out of the line.
            for (String l : rule.labels()) labels.put(l, 0L);
        }

        /** The lower median, in thousandths. */
        int median() {
            long rank = (scored + 1) / 2, seen = 0;
            for (int i = 0; i < thousandths.length; i++) {
                seen += thousandths[i];
                if (seen >= rank) return i;
            }
            return thousandths.length - 1;
        }
    }
}
