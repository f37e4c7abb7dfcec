package dev.vigil.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.bytedeco.opencv.global.opencv_core.NORM_INF;
import static org.bytedeco.opencv.global.opencv_core.NORM_L1;
import static org.bytedeco.opencv.global.opencv_core.norm;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.postprocess.Detection;
import dev.vigil.rules.Trigger;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {

    static final Instant T0 = Instant.parse("2026-11-21T23:05:01.123Z");
    static final ObjectMapper JSON = new ObjectMapper();

    static Mat street;       // 640x427 photo of an empty street
    static Mat small;        // the same at 160x107, for the many-event tests

    @TempDir Path tmp;
    Path dir;
    MutableClock clock;

    @BeforeAll
    static void frames() {
        street = TestData.read("empty_street.jpg");
        small = new Mat();
        resize(street, small, new Size(160, 107));
    }

    @AfterAll
    static void free() {
        street.close();
        small.close();
    }

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("events");
        clock = new MutableClock(T0.plus(Duration.ofMinutes(1)));
    }

    static final Detection PERSON = new Detection("person", 0, 0.71234f, new float[] {0.30f, 0.25f, 0.45f, 0.9f});
    static final Detection DOG = new Detection("dog", 17, 0.55f, new float[] {0.60f, 0.6f, 0.80f, 0.85f});
    static final Detection CAR = new Detection("car", 2, 0.8f, new float[] {0.05f, 0.4f, 0.25f, 0.7f});

    static Trigger trigger(String camera, String group, Detection d, Instant t) { return new Trigger(camera, group, d, t); }

    EventStore open(Retention r) { return EventStore.open(dir, r, EventFiles.local(), clock, Runnable::run); }

    EventStore open(Retention r, EventFiles files) { return EventStore.open(dir, r, files, clock, Runnable::run); }

    Event recordPerson(EventStore s, Instant t) {
        return s.record(trigger("door", "person", PERSON, t), List.of(CAR, PERSON, DOG), small, null).orElseThrow();
    }

    List<String> journalLines() throws IOException {
        return Files.readAllLines(dir.resolve(EventStore.JOURNAL), UTF_8);
    }

    /** The directory's event files: the writer's lock file is not an event and retention does not count it. */
    Set<String> files() throws IOException {
        Set<String> out = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !p.getFileName().toString().equals(EventDirectoryLock.FILE))
                    .forEach(p -> out.add(p.getFileName().toString()));
        }
        return out;
    }

    long bytesOnDisk() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals(EventDirectoryLock.FILE))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    // ---- the line and the snapshot

    @Test
    void oneJsonLineWithExactlyTheDocumentedFields() throws Exception {
        try (EventStore s = open(Retention.UNLIMITED)) {
            Event e = s.record(trigger("door", "person", PERSON, T0), List.of(CAR, PERSON, DOG), street,
                    "0042_front.jpg").orElseThrow();
            List<String> lines = journalLines();
            assertEquals(1, lines.size());
            assertTrue(Files.readString(dir.resolve(EventStore.JOURNAL)).endsWith("}\n"), "one whole line");
            String line = lines.getFirst();
            JsonNode n = JSON.readTree(line);
            List<String> fields = new ArrayList<>();
            n.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("id", "time", "camera", "group", "label", "score", "box", "source_ref", "snapshot"), fields);
            assertEquals("20261121T230501.123Z-door-person-0001", n.get("id").asText());
            assertEquals("2026-11-21T23:05:01.123Z", n.get("time").asText());
            assertEquals("door", n.get("camera").asText());
            assertEquals("person", n.get("group").asText());
            assertEquals("person", n.get("label").asText());
            assertTrue(line.contains("\"score\":0.712,"), line);
            assertTrue(line.contains("\"box\":[0.3,0.25,0.45,0.9]"), line);
            assertEquals("0042_front.jpg", n.get("source_ref").asText());
            assertEquals("20261121T230501.123Z-door-person-0001.jpg", n.get("snapshot").asText());
            assertEquals(e.toJson(), line);
            assertEquals(e.id(), Event.fromJson(line).id());
        }
    }

    @Test
    void boxesAreRoundedToFourPlacesAndWrittenPlain() {
        Detection odd = new Detection("cat", 16, 0.99951f, new float[] {0.00004f, 0.123456f, 0.5f, 1f});
        try (EventStore s = open(Retention.UNLIMITED)) {
            String line = s.record(trigger("yard", "animal", odd, T0), List.of(odd), small, null).orElseThrow().toJson();
            assertTrue(line.contains("\"score\":1,") || line.contains("\"score\":1.0,"), line);
            assertTrue(line.contains("\"box\":[0,0.1235,0.5,1]"), line);
        }
    }

    @Test
    void withoutAFileNameTheSourceRefIsTheFrameTimestamp() {
        try (EventStore s = open(Retention.UNLIMITED)) {
            assertEquals("2026-11-21T23:05:01.123Z", recordPerson(s, T0).sourceRef());
        }
    }

    @Test
    void theSnapshotIsTheAnnotatedFrameAndTheCallersFrameIsUntouched() throws Exception {
        try (EventStore s = open(Retention.UNLIMITED); Mat before = street.clone()) {
            Event e = s.record(trigger("door", "person", PERSON, T0), List.of(CAR, PERSON, DOG), street, null).orElseThrow();
            assertEquals(0.0, norm(street, before, NORM_INF, new Mat()), "the caller's frame was drawn on");

            Path jpg = s.snapshot(e.id()).orElseThrow();
            assertEquals(dir.resolve(e.snapshot()), jpg);
            byte[] head = Files.readAllBytes(jpg);
            assertEquals((byte) 0xFF, head[0]);
            assertEquals((byte) 0xD8, head[1]);
            try (Mat snap = imread(jpg.toString(), IMREAD_COLOR)) {
                assertFalse(snap.empty(), "decodable");
                assertEquals(street.cols(), snap.cols());
                assertEquals(street.rows(), snap.rows());
                // JPEG alone changes pixels a little; three boxes with labels change them a lot more.
                double perPixel = norm(snap, street, NORM_L1, new Mat()) / (snap.cols() * snap.rows() * 3.0);
                assertTrue(perPixel > 3.0, "mean difference " + perPixel);

                UByteIndexer px = snap.createIndexer();
                // The firing person: red left edge, halfway down.
                int x = Math.round(0.30f * street.cols()), y = Math.round(0.6f * street.rows());
                assertTrue(px.get(y, x, 2) > 170 && px.get(y, x, 1) < 90 && px.get(y, x, 0) < 90,
                        "trigger box edge BGR " + px.get(y, x, 0) + "," + px.get(y, x, 1) + "," + px.get(y, x, 2));
                // The car: amber.
                x = Math.round(0.05f * street.cols());
                y = Math.round(0.55f * street.rows());
                assertTrue(px.get(y, x, 2) > 170 && px.get(y, x, 1) > 150 && px.get(y, x, 2) - px.get(y, x, 0) > 80,
                        "other box edge BGR " + px.get(y, x, 0) + "," + px.get(y, x, 1) + "," + px.get(y, x, 2));
                px.close();
            }
        }
    }

    @Test
    void noTemporaryFileIsLeftAfterAWrite() throws Exception {
        try (EventStore s = open(new Retention(3, 0, null))) {
            for (int i = 0; i < 6; i++) recordPerson(s, T0.plusSeconds(i));
            for (String f : files())
                assertTrue(f.equals(EventStore.JOURNAL) || f.matches("\\d{8}T\\d{6}\\.\\d{3}Z-door-person-\\d{4}\\.jpg"), f);
        }
    }

    @Test
    void idsAreUniqueAndSortableAndContinueAfterARestart() throws Exception {
        List<String> ids = new ArrayList<>();
        try (EventStore s = open(Retention.UNLIMITED)) {
            for (int i = 0; i < 3; i++) ids.add(recordPerson(s, T0).id());
        }
        try (EventStore s = open(Retention.UNLIMITED)) {
            ids.add(recordPerson(s, T0).id());
            ids.add(s.record(trigger("back yard", "animal", DOG, T0.plusMillis(1)), List.of(DOG), small, null)
                    .orElseThrow().id());
            assertEquals(List.of("20261121T230501.123Z-door-person-0001", "20261121T230501.123Z-door-person-0002",
                    "20261121T230501.123Z-door-person-0003", "20261121T230501.123Z-door-person-0004",
                    "20261121T230501.124Z-back_yard-animal-0005"), ids);
            assertEquals(5, journalLines().size());
            assertEquals(ids.reversed(), s.recent(10).stream().map(Event::id).toList());
            assertEquals(2, s.recent(2).size());
        }
    }

    // ---- crash repair

    @Test
    void aTornLastLineIsCutAwayAtStart() throws Exception {
        try (EventStore s = open(Retention.UNLIMITED)) {
            recordPerson(s, T0);
            recordPerson(s, T0.plusSeconds(1));
        }
        String whole = Files.readString(dir.resolve(EventStore.JOURNAL));
        Files.writeString(dir.resolve(EventStore.JOURNAL), "{\"id\":\"20261121T230503.000Z-door-per",
                StandardOpenOption.APPEND);
        Files.write(dir.resolve(".20261121T230503.000Z-door-person-0003.jpg.1f2e.tmp"), new byte[1000]);

        try (LogCapture log = new LogCapture(EventStore.class); EventStore s = open(Retention.UNLIMITED)) {
            assertEquals(whole, Files.readString(dir.resolve(EventStore.JOURNAL)));
            assertEquals(2, s.recent(10).size());
            assertTrue(log.at(Level.WARN).stream().anyMatch(m -> m.contains("torn")), log.at(Level.WARN).toString());
            assertFalse(files().stream().anyMatch(f -> f.endsWith(".tmp")), "the crash's temp file is gone");
            recordPerson(s, T0.plusSeconds(3));
        }
        List<String> lines = journalLines();
        assertEquals(3, lines.size());
        for (String l : lines) Event.fromJson(l);
    }

    @Test
    void aLastLineMissingOnlyItsNewlineIsKept() throws Exception {
        try (EventStore s = open(Retention.UNLIMITED)) {
            recordPerson(s, T0);
            recordPerson(s, T0.plusSeconds(1));
        }
        Path j = dir.resolve(EventStore.JOURNAL);
        String whole = Files.readString(j);
        Files.writeString(j, whole.substring(0, whole.length() - 1));
        try (EventStore s = open(Retention.UNLIMITED)) {
            assertEquals(2, s.recent(10).size());
            assertEquals(whole, Files.readString(j));
        }
    }

    @Test
    void snapshotsWithoutALineAreRemovedAtStartAndOtherFilesLeftAlone() throws Exception {
        Files.createDirectories(dir);
        Path orphan = dir.resolve("20261121T230501.000Z-door-person-0099.jpg");
        Path notes = dir.resolve("notes.txt");
        Files.write(orphan, new byte[10]);
        Files.writeString(notes, "mine");
        try (EventStore s = open(Retention.UNLIMITED)) {
            assertFalse(Files.exists(orphan));
            assertTrue(Files.exists(notes));
            assertEquals("20261121T230501.123Z-door-person-0001", recordPerson(s, T0).id());
        }
    }

    // ---- retention

    @Test
    void retentionByCountKeepsTheNewest() throws Exception {
        try (EventStore s = open(new Retention(5, 0, null))) {
            List<Event> all = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                all.add(recordPerson(s, T0.plusSeconds(i)));
                assertTrue(s.recent(100).size() <= 5, "after event " + i);
            }
            List<Event> kept = s.recent(100);
            assertEquals(all.subList(12 - kept.size(), 12).reversed(), kept);
            assertEquals(kept.size(), journalLines().size());
            assertEquals(kept.size() + 1, files().size(), "one snapshot per kept event, plus the journal");
            assertTrue(s.snapshot(all.getFirst().id()).isEmpty());
            assertFalse(Files.exists(dir.resolve(all.getFirst().snapshot())));
            assertEquals(12 - kept.size(), s.stats().removed());
        }
    }

    @Test
    void retentionByBytesBoundsTheDirectory() throws Exception {
        long oneEvent;
        try (EventStore s = open(Retention.UNLIMITED)) {
            recordPerson(s, T0);
            oneEvent = bytesOnDisk();
        }
        Files.walk(dir).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        long limit = oneEvent * 4 + oneEvent / 2;
        try (EventStore s = open(new Retention(0, limit, null))) {
            for (int i = 0; i < 15; i++) {
                recordPerson(s, T0.plusSeconds(i));
                assertTrue(bytesOnDisk() <= limit, "after event " + i + ": " + bytesOnDisk() + " > " + limit);
                assertEquals(bytesOnDisk(), s.stats().bytes(), "the store's own count matches the disk");
            }
            int kept = s.recent(100).size();
            assertTrue(kept >= 3 && kept <= 4, "kept " + kept);
            assertEquals(T0.plusSeconds(14), s.recent(1).getFirst().time());
        }
    }

    @Test
    void retentionByAgeDropsOldEventsAsTheyComeAndAtStart() throws Exception {
        clock.now = T0;
        try (EventStore s = open(new Retention(0, 0, Duration.ofHours(1)))) {
            recordPerson(s, T0.minus(Duration.ofMinutes(90)));   // already too old: gone at once
            recordPerson(s, T0.minus(Duration.ofMinutes(50)));
            recordPerson(s, T0.minus(Duration.ofMinutes(10)));
            assertEquals(List.of(T0.minus(Duration.ofMinutes(10)), T0.minus(Duration.ofMinutes(50))),
                    s.recent(10).stream().map(Event::time).toList());
        }
        clock.now = T0.plus(Duration.ofMinutes(30));
        try (EventStore s = open(new Retention(0, 0, Duration.ofHours(1)))) {
            assertEquals(List.of(T0.minus(Duration.ofMinutes(10))), s.recent(10).stream().map(Event::time).toList());
            assertEquals(1, journalLines().size());
            assertEquals(2, files().size());
        }
    }

    @Test
    void retentionRunsInTheBackgroundWhenGivenAThread() throws Exception {
        ExecutorService bg = Executors.newSingleThreadExecutor();
        try (EventStore s = EventStore.open(dir, new Retention(2, 0, null), EventFiles.local(), clock, bg)) {
            for (int i = 0; i < 5; i++) recordPerson(s, T0.plusSeconds(i));
            bg.submit(() -> {}).get(5, TimeUnit.SECONDS);
            assertTrue(s.recent(100).size() <= 2, s.recent(100).toString());
            assertEquals(s.recent(100).size(), journalLines().size());
        } finally {
            bg.shutdownNow();
        }
    }

    // ---- full disk

    @Test
    void aFullDiskRemovesTheOldestEventsAndRetries() throws Exception {
        Files.createDirectories(dir);
        QuotaDisk disk = new QuotaDisk(dir);
        try (LogCapture log = new LogCapture(EventStore.class); EventStore s = open(Retention.UNLIMITED, disk)) {
            List<Event> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) all.add(recordPerson(s, T0.plusSeconds(i)));
            disk.capacity = disk.used() + 100; // less than one more snapshot
            Optional<Event> next = s.record(trigger("door", "person", PERSON, T0.plusSeconds(10)),
                    List.of(CAR, PERSON, DOG), small, null);
            assertTrue(next.isPresent(), "the retry after making room succeeded");
            assertTrue(disk.failedWrites >= 1);
            List<Event> kept = s.recent(100);
            assertEquals(next.get(), kept.getFirst());
            assertTrue(kept.size() < 7 && kept.size() >= 2, "kept " + kept.size());
            assertFalse(kept.contains(all.getFirst()), "the oldest went first");
            assertTrue(disk.used() <= disk.capacity);
            List<String> lines = journalLines();
            assertEquals(kept.size(), lines.size());
            for (String l : lines) Event.fromJson(l);
            for (Event e : kept) assertTrue(s.snapshot(e.id()).isPresent(), e.id());
            assertTrue(log.at(Level.WARN).stream().anyMatch(m -> m.startsWith("events: disk full")), log.at(Level.WARN).toString());
            assertEquals(0, s.stats().lost());
        }
    }

    @Test
    void aDiskThatStaysFullLosesTheEventWithOneLogLineAndKeepsTheRecord() throws Exception {
        Files.createDirectories(dir);
        QuotaDisk disk = new QuotaDisk(dir);
        try (LogCapture log = new LogCapture(EventStore.class); EventStore s = open(Retention.UNLIMITED, disk)) {
            for (int i = 0; i < 3; i++) recordPerson(s, T0.plusSeconds(i));
            String journal = Files.readString(dir.resolve(EventStore.JOURNAL));
            disk.full = true;
            Optional<Event> lost = s.record(trigger("door", "person", PERSON, T0.plusSeconds(5)), List.of(PERSON), small, null);
            assertTrue(lost.isEmpty());
            assertEquals(journal, Files.readString(dir.resolve(EventStore.JOURNAL)), "nothing recorded is harmed");
            assertEquals(1, s.stats().lost());
            List<String> errors = log.at(Level.ERROR);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.getFirst().startsWith("event lost: 20261121T230506.123Z-door-person-0004"), errors.getFirst());
            assertTrue(errors.getFirst().contains("No space left on device"), errors.getFirst());
            assertFalse(errors.getFirst().contains("\n"));
            assertFalse(files().stream().anyMatch(f -> f.endsWith(".tmp")));

            disk.full = false;
            Event after = recordPerson(s, T0.plusSeconds(6));
            assertEquals(after, s.recent(1).getFirst());
            for (String l : journalLines()) Event.fromJson(l);
        }
    }

    @Test
    void aLineThatCannotBeWrittenTakesItsSnapshotWithIt() throws Exception {
        // The line is the second write of an event: the snapshot fits, the line does not.
        Files.createDirectories(dir);
        QuotaDisk disk = new QuotaDisk(dir) {
            @Override
            public void append(Path file, byte[] line) throws IOException {
                throw new IOException("Input/output error");
            }
        };
        try (EventStore s = open(Retention.UNLIMITED, disk)) {
            assertTrue(s.record(trigger("door", "person", PERSON, T0), List.of(PERSON), small, null).isEmpty());
            assertEquals(Set.of(), files(), "the snapshot of the lost event is removed too");
        }
    }

    // ---- a directory that cannot be used

    @Test
    void aDirectoryUnderARegularFileIsOneClearError() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        Path bad = file.resolve("events");
        EventStoreException e = assertThrows(EventStoreException.class, () -> EventStore.open(bad, Retention.UNLIMITED));
        String m = e.getMessage();
        assertTrue(m.startsWith("events directory " + bad + " cannot be used: "), m);
        assertTrue(m.contains(file + " is a file, not a directory"), m);
        assertTrue(m.contains("events.dir"), m);
        assertFalse(m.contains("\n"), m);
        assertEquals(bad, e.dir());
    }

    @Test
    void aJournalThatIsADirectoryIsOneClearError() throws Exception {
        Files.createDirectories(dir.resolve(EventStore.JOURNAL));
        EventStoreException e = assertThrows(EventStoreException.class, () -> EventStore.open(dir, Retention.UNLIMITED));
        assertTrue(e.getMessage().contains("events.jsonl is not a regular file"), e.getMessage());
    }

    // ---- concurrency

    @Test
    void fourCamerasWritingAtOnceGiveWholeLines() throws Exception {
        int perThread = 25;
        try (EventStore s = open(Retention.UNLIMITED)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String camera = "cam" + c;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++)
                        s.record(trigger(camera, "person", PERSON, T0.plusMillis(i)), List.of(PERSON, DOG), small, null)
                                .orElseThrow();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            pool.shutdown();

            List<String> lines = journalLines();
            assertEquals(4 * perThread, lines.size());
            Set<String> ids = new HashSet<>();
            for (String l : lines) {
                Event e = Event.fromJson(l);
                assertTrue(ids.add(e.id()), "duplicate id " + e.id());
                assertTrue(Files.size(dir.resolve(e.snapshot())) > 0);
            }
            assertEquals(4 * perThread + 1, files().size());
        }
    }

    // ---- the HTTP API's lookups

    @Test
    void snapshotLookupNeverLeavesTheDirectory() throws Exception {
        try (EventStore s = open(Retention.UNLIMITED)) {
            Event e = recordPerson(s, T0);
            assertTrue(s.snapshot(e.id()).isPresent());
            for (String bad : new String[] {"../../etc/passwd", "..", ".", "", "/etc/passwd", e.id() + "/../../x",
                    "..%2F..%2Fetc%2Fpasswd", e.id().replace("0001", "0002")})
                assertEquals(Optional.empty(), s.snapshot(bad), bad);
            assertEquals(Optional.empty(), s.snapshot(null));
        }
    }

    @Test
    void aTamperedJournalCannotPointRetentionOutsideTheDirectory() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
        Files.createDirectories(dir);
        Event evil = new Event("20261121T230501.123Z-door-person-0001", T0, "door", "person", "person", 0.9,
                new double[] {0, 0, 1, 1}, "x", "../victim.txt");
        Files.writeString(dir.resolve(EventStore.JOURNAL), evil.toJson() + "\n");
        try (EventStore s = open(new Retention(1, 0, null))) {
            assertEquals(Optional.empty(), s.snapshot(evil.id()));
            recordPerson(s, T0.plusSeconds(1));
            recordPerson(s, T0.plusSeconds(2));
            assertEquals(1, s.recent(10).size());
        }
        assertEquals("precious", Files.readString(victim));
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) { this.now = now; }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return now; }
    }
}
