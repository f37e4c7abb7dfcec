package dev.vigil.http;

import static dev.vigil.http.StatusServerTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.drift.DailySummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The drift meters on a running daemon, and its stop writing the day so far with the same numbers as /metrics. */
class DriftOnADaemonTest {

    @TempDir
    Path tmp;

    static final String MODEL = "model=\"ssd_mobilenet_v1_coco_quant\"";

    @Test
    void theStopWritesEachGroupsDaySoFarAsTheMetricsCountedIt() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DailySummary.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        String text;
        try {
            LiveDaemon d = LiveDaemon.start(tmp, 5, false); // the photos once
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                do {
                    Thread.sleep(300);
                    text = d.get("/metrics").body();
                } while (!(d.get("/api/status").body().contains("\"ENDED\"") && text.contains("vigil_consumer_queue{consumer=\"drift\"} 0")
                        && value(text, "vigil_inference_seconds_count{camera=\"door\"," + MODEL + "}")
                        == value(text, "vigil_frames_processed_total{camera=\"door\"}"))
                        && System.nanoTime() < deadline);
                // What the drift consumer counted once every frame reached it: the exposition cannot change any more.
                text = d.get("/metrics").body();
            } finally {
                d.close();
            }
        } finally {
            logger.detachAppender(lines);
        }
        long frames = (long) value(text, "vigil_frames_processed_total{camera=\"door\"}");
        assertTrue(frames >= 5, "the photos were analysed: " + frames);
        List<String> written;
        synchronized (lines) {
            written = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        // Two lines, one per group; four if the machine's midnight fell within the run (the day's, then the day so far).
        assertTrue(written.size() == 2 || written.size() == 4, written.toString());
        for (String group : List.of("person", "animal")) {
            List<String> mine = written.stream().filter(l -> l.startsWith("drift door/" + group + " ")).toList();
            assertEquals(written.size() / 2, mine.size(), written.toString());
            String tags = "camera=\"door\",group=\"" + group + "\"," + MODEL;
            assertEquals(frames, sum(mine, "frames"), mine.toString());
            long scored = (long) value(text, "vigil_score_count{" + tags + "}");
            assertTrue(scored >= 1, "the photos hold a " + group + " at or above 0.5:\n" + text);
            assertEquals(scored, sum(mine, "scored"), mine.toString());
            assertEquals((long) value(text, "vigil_score_uncertain_total{" + tags + "}"), sum(mine, "uncertain"), mine.toString());
            Map<String, Long> counted = new TreeMap<>();
            for (String line : mine) {
                assertTrue(line.matches("drift door/" + group + " \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d-\\d\\d:\\d\\d " + MODEL.replace("\"", "")
                        + " frames=\\d+ scored=\\d+ median=(0\\.\\d{3}|-) uncertain=\\d+ uncertain_share=(\\d\\.\\d{3}|-) labels=\\S+ per_hour=(\\d+,){23}\\d+"), line);
                Matcher labels = Pattern.compile("(\\w+):(\\d+)").matcher(line.substring(line.indexOf(" labels=")));
                while (labels.find()) counted.merge(labels.group(1), Long.parseLong(labels.group(2)), Long::sum);
            }
            assertTrue(!counted.isEmpty(), mine.toString());
            for (var c : counted.entrySet())
                assertEquals((double) c.getValue(), value(text, "vigil_labels_total{camera=\"door\",label=\"" + c.getKey() + "\"," + MODEL + "}"),
                        c.getKey() + " in " + mine);
        }
    }

    private static long sum(List<String> lines, String key) {
        long total = 0;
        for (String l : lines) total += number(l, key);
        return total;
    }

    private static long number(String line, String key) {
        Matcher m = Pattern.compile(" " + key + "=(\\d+)").matcher(line);
        if (!m.find()) throw new AssertionError("no " + key + " in " + line);
        return Long.parseLong(m.group(1));
    }
}
