package dev.vigil.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.UploadConfig;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.time.TimeSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The dataset's upload against a real S3-compatible server (s3proxy on 127.0.0.1, started here). */
class UploadTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 21), NEXT = DAY.plusDays(1);
    static final AwsCredentialsProvider KEYS = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY));

    @TempDir static Path serverDir;
    static S3Proxy server;
    static S3Client direct;
    static int buckets;

    @TempDir Path tmp;
    SampleStore store;
    String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Proxy.start(serverDir);
        direct = server.client();
    }

    @AfterAll
    static void stopServer() throws Exception {
        direct.close();
        server.close();
    }

    @BeforeEach
    void dataset() throws Exception {
        bucket = "vigil-data-" + (++buckets); // a bucket per test: each starts with an empty storage
        direct.createBucket(b -> b.bucket(bucket));
        store = SampleStore.open(tmp.resolve("ds"), Long.MAX_VALUE, EventFiles.local());
        Random r = new Random(13);
        Instant t = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().plusSeconds(8 * 3600);
        for (int i = 0; i < 8; i++) {
            Instant at = t.plusSeconds(i * 600L + (i >= 6 ? 24 * 3600 : 0)); // six on DAY, two on the next day
            byte[] jpeg = new byte[20_000 + r.nextInt(20_000)];
            r.nextBytes(jpeg);
            Sample s = new Sample(Sample.id(at, "door", Integer.toString(i + 1)), at, "door", "p" + i + ".jpg", "near_threshold",
                    List.of("near_threshold"), "ssd", "b".repeat(64), "detector", 640, 480,
                    List.of(new Sample.Box("dog", 0.45, new double[] {0.1, 0.2, 0.6, 0.9})),
                    i % 2 == 0 ? List.of(new Sample.Box("cat", 1, new double[] {0.1, 0.2, 0.5, 0.8})) : null, null, null, i);
            store.add(s, jpeg);
        }
    }

    UploadConfig config(URI endpoint, long rate) {
        return new UploadConfig(Optional.of(endpoint), bucket, "us-east-1", "fleet", true, "pi-1", List.of("coco", "yolo"),
                Duration.ofHours(1), rate);
    }

    /** What the day's batch holds, by key: the bytes the storage must have. */
    Map<String, byte[]> expected(UploadConfig cfg, LocalDate day) throws Exception {
        Map<String, byte[]> out = new HashMap<>();
        for (Batch.Item it : new Batch(cfg, store).build(day)) out.put(it.key(), it.file() == null ? it.bytes() : Files.readAllBytes(it.file()));
        return out;
    }

    Map<String, Long> stored() {
        Map<String, Long> out = new HashMap<>();
        for (S3Object o : direct.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) out.put(o.key(), o.size());
        return out;
    }

    byte[] read(String key) { return direct.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray(); }

    /** The file the server keeps an object in: its identity changes when the object is written again. */
    Object identity(String key) throws Exception {
        return Files.readAttributes(server.data.resolve(bucket).resolve(key), BasicFileAttributes.class).fileKey();
    }

    @Test
    void everyObjectArrivesByteIdenticalWithItsManifestAndTheBatchIsAnnounced() throws Exception {
        UploadConfig cfg = config(server.endpoint, 0);
        List<Uploader.Result> announced = new ArrayList<>();
        try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), announced::add)) {
            Uploader.Result a = u.upload(DAY), b = u.upload(NEXT);
            Map<String, byte[]> want = new HashMap<>(expected(cfg, DAY));
            int day = want.size();
            want.putAll(expected(cfg, NEXT));
            assertEquals(want.keySet(), stored().keySet());
            for (var e : want.entrySet()) assertArrayEquals(e.getValue(), read(e.getKey()), e.getKey());
            // coco: train and val folders with 6 images and their annotations; yolo: images, labels, data.yaml
            assertTrue(want.keySet().containsAll(List.of("fleet/pi-1/2026-11-21/manifest.json")), want.keySet().toString());
            assertEquals(6, want.keySet().stream().filter(k -> k.startsWith("fleet/pi-1/2026-11-21/coco/") && k.endsWith(".jpg")).count());
            assertEquals(day, a.sent());
            assertEquals(want.size(), a.sent() + b.sent());
            assertEquals(want.size(), u.objectsSent());
            assertEquals(want.values().stream().mapToLong(x -> x.length).sum(), u.bytesSent());
            JsonNode manifest = Batch.JSON.readTree(read("fleet/pi-1/2026-11-21/manifest.json"));
            assertEquals(6, manifest.get("samples").asInt());
            assertEquals(3, manifest.get("labelled").asInt());
            assertEquals(day - 1, manifest.get("objects").size());
            for (JsonNode o : manifest.get("objects"))
                assertEquals(Batch.md5(read(o.get("key").asText())), o.get("md5").asText(), o.get("key").asText());
            assertEquals(List.of(DAY, NEXT), announced.stream().map(Uploader.Result::day).toList());
            JsonNode msg = Batch.JSON.readTree(Uploader.announcement(cfg, a));
            assertEquals("fleet/pi-1/2026-11-21/manifest.json", msg.get("manifest").asText());
            assertEquals(day, msg.get("keys").size());
            assertEquals(day, msg.get("sent").asInt());

            Uploader.Result again = u.upload(DAY);
            assertEquals(0, again.sent(), "nothing is sent twice");
            assertEquals(day, again.skipped());
            assertEquals(2, announced.size(), "a pass that sent nothing is not announced");
        }
    }

    @Test
    void aLabelAddedLaterSendsOnlyTheChangedAnnotations() throws Exception {
        UploadConfig cfg = config(server.endpoint, 0);
        try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), r -> {})) {
            u.upload(DAY);
            Sample s = store.list().get(1);
            assertFalse(s.labelled());
            store.label(s.id(), List.of(new Sample.Box("dog", 1, new double[] {0.2, 0.2, 0.4, 0.4})));
            Uploader.Result r = u.upload(DAY);
            assertTrue(r.keys().stream().noneMatch(k -> k.endsWith(".jpg")), r.keys().toString());
            assertTrue(r.keys().contains("fleet/pi-1/2026-11-21/manifest.json"));
            assertTrue(r.sent() >= 2 && r.sent() <= 4, r.keys().toString()); // the image's annotations in each format, the manifest
            for (var e : expected(cfg, DAY).entrySet()) assertArrayEquals(e.getValue(), read(e.getKey()), e.getKey());
        }
    }

    @Test
    void aPassSkipsTheDaysWhoseSamplesDidNotChange() throws Exception {
        try (Uploader u = new Uploader(config(server.endpoint, 0), store, KEYS, TimeSource.system(), r -> {})) {
            u.pass();
            long all = u.objectsSent();
            assertEquals(stored().size(), all);
            Path staging = store.dir().resolve(".upload");
            deleteTree(staging);
            u.pass();
            assertFalse(Files.exists(staging), "no day was exported again");
            assertEquals(all, u.objectsSent());
            Sample s = store.list().get(7); // the next day's
            store.label(s.id(), List.of(new Sample.Box("cat", 1, new double[] {0.3, 0.3, 0.6, 0.6})));
            u.pass();
            assertFalse(Files.exists(staging.resolve("2026-11-21")), "the unchanged day is left alone");
            assertTrue(Files.exists(staging.resolve("2026-11-22")));
            assertTrue(u.objectsSent() > all);
            assertEquals(0, u.failures());
        }
    }

    static void deleteTree(Path dir) throws Exception {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void aConnectionDroppedMidUploadResumesAndNothingIsSentTwice() throws Exception {
        UploadConfig cfg;
        Map<String, byte[]> want;
        try (CutProxy proxy = new CutProxy(server.endpoint.getPort(), 120_000)) {
            cfg = config(URI.create("http://127.0.0.1:" + proxy.port()), 0);
            want = expected(cfg, DAY);
            try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), r -> {})) {
                assertThrows(RuntimeException.class, () -> u.upload(DAY));
            }
            assertTrue(proxy.cut());
            // What arrived whole before the cut, and the files the server keeps it in
            Map<String, Object> before = new HashMap<>();
            // (asked key by key: s3proxy's listing trips over the temporary file the cut PUT left in its folder)
            for (String k : want.keySet()) {
                try {
                    if (java.util.Arrays.equals(want.get(k), read(k))) before.put(k, identity(k));
                } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                    // not there yet
                }
            }
            assertFalse(before.isEmpty(), "some objects arrived before the cut");
            assertTrue(before.size() < want.size(), "the cut came before the end");

            proxy.heal();
            Set<String> sent;
            try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), r -> {})) { // a restart
                Uploader.Result r = u.upload(DAY);
                sent = new HashSet<>(r.keys());
                assertEquals(want.size() - before.size(), r.sent());
                assertEquals(before.size(), r.skipped());
            }
            for (String k : before.keySet()) {
                assertFalse(sent.contains(k), k + " was sent again");
                assertEquals(before.get(k), identity(k), k + " was written again");
            }
            for (var e : want.entrySet()) assertArrayEquals(e.getValue(), read(e.getKey()), e.getKey());

            // The record lost (a new SD card, a deleted file): the storage is asked and nothing goes again
            Map<String, Object> all = new HashMap<>();
            for (String k : want.keySet()) all.put(k, identity(k));
            Files.delete(store.dir().resolve("uploaded.log"));
            long relayed = proxy.sent();
            try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), r -> {})) {
                Uploader.Result r = u.upload(DAY);
                assertEquals(0, r.sent());
                assertEquals(want.size(), r.skipped());
            }
            for (String k : want.keySet()) assertEquals(all.get(k), identity(k), k + " was written again");
            long smallest = want.values().stream().filter(b -> b.length > 10_000).mapToLong(b -> b.length).min().orElseThrow();
            assertTrue(proxy.sent() - relayed < smallest, "only HEAD requests went out: " + (proxy.sent() - relayed) + " bytes");
        }
    }

    @Test
    void wrongCredentialsGiveOneLineNamingTheSetting() throws Exception {
        var wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Proxy.ACCESS_KEY, "not-the-secret-at-all"));
        try (Uploader u = new Uploader(config(server.endpoint, 0), store, wrong, TimeSource.system(), r -> {})) {
            Storage.Refused e = assertThrows(Storage.Refused.class, () -> u.upload(DAY));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().contains("refused the credentials") && e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
            assertFalse(e.getMessage().contains("not-the-secret-at-all"), e.getMessage());
            assertEquals(0, u.objectsSent());
        }
        assertTrue(stored().isEmpty());
    }

    @Test
    void theBandwidthLimitHolds() throws Exception {
        long rate = 40_000;
        UploadConfig cfg = config(server.endpoint, rate);
        try (Uploader u = new Uploader(cfg, store, KEYS, TimeSource.system(), r -> {})) {
            long t0 = System.nanoTime();
            Uploader.Result r = u.upload(NEXT);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // one second's worth goes at once (the bucket starts full); the rest at the rate
            double least = (r.bytes() - rate) / (double) rate;
            assertTrue(r.bytes() > 2 * rate, "enough to measure: " + r.bytes());
            assertTrue(seconds >= least, seconds + " s for " + r.bytes() + " bytes at " + rate + " bytes/s");
            assertTrue(seconds < least + 5, seconds + " s: far slower than the limit");
        }
    }
    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        picocli.CommandLine c = dev.vigil.cli.Main.commandLine();
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        c.setOut(new java.io.PrintWriter(out));
        c.setErr(new java.io.PrintWriter(err));
        return new Cli(c.execute(args), out.toString(), err.toString());
    }

    @Test
    void vigilDatasetUploadPushesOnceAndThenFindsEverythingThere() throws Exception {
        Path config = Files.writeString(tmp.resolve("vigil.yaml"), """
                cameras: { door: { source: { folder: /tmp }, groups: { animal: { labels: [dog] } } } }
                sampling:
                  dir: %s
                  upload: { s3: { endpoint: "%s", bucket: %s, prefix: fleet }, device: pi-1 }
                """.formatted(store.dir(), server.endpoint, bucket));
        System.setProperty("aws.accessKeyId", S3Proxy.ACCESS_KEY); // the SDK's standard chain reads these before the environment
        System.setProperty("aws.secretAccessKey", S3Proxy.SECRET_KEY);
        try {
            Cli first = cli("dataset", "upload", "--config", config.toString(), "--day", "2026-11-21");
            assertEquals(0, first.code(), first.out() + first.err());
            String line = first.out().strip();
            assertTrue(line.matches("2026-11-21: \\d+ object\\(s\\) sent \\(\\d+ bytes\\), 0 already there"), line);
            Cli again = cli("dataset", "upload", "--config", config.toString());
            assertEquals(0, again.code(), again.out() + again.err());
            List<String> lines = again.out().strip().lines().toList();
            assertEquals(2, lines.size(), again.out());
            assertTrue(lines.get(0).startsWith("2026-11-21: 0 object(s) sent (0 bytes), "), lines.get(0));
            assertTrue(lines.get(1).matches("2026-11-22: [1-9]\\d* object\\(s\\) sent .*"), lines.get(1));

            System.setProperty("aws.secretAccessKey", "a-wrong-secret");
            Files.delete(store.dir().resolve("uploaded.log")); // so the storage is asked again
            Cli wrong = cli("dataset", "upload", "--config", config.toString(), "--day", "2026-11-21");
            assertEquals(1, wrong.code(), wrong.out() + wrong.err());
            assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
            assertTrue(wrong.err().startsWith("vigil: " + server.endpoint + " bucket " + bucket + " refused the credentials ("), wrong.err());
            assertTrue(wrong.err().contains("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), wrong.err());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
