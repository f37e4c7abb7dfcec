package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.events.EventFiles;
import dev.vigil.sampling.Sample;
import dev.vigil.sampling.SampleStore;
import dev.vigil.testing.TestData;
import dev.vigil.upload.S3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The daemon with sampling.upload and MQTT: its pass sends the dataset to a real S3-compatible server (s3proxy on
 * 127.0.0.1) with the credentials of its environment (here the SDK's system properties) and announces the batch on
 * {@code <prefix>/dataset/uploaded}; every key announced reads back as the store's bytes.
 */
class MqttUploadTest extends MqttTestBase {

    @Test
    void theDaemonSendsTheDatasetAndAnnouncesTheBatch() throws Exception {
        Path ds = tmp.resolve("dataset");
        SampleStore store = SampleStore.open(ds, Long.MAX_VALUE, EventFiles.local());
        Random r = new Random(5);
        Instant t = Instant.parse("2026-11-21T08:00:00Z");
        byte[][] jpegs = new byte[3][];
        for (int i = 0; i < 3; i++) {
            jpegs[i] = new byte[5_000 + r.nextInt(5_000)];
            r.nextBytes(jpegs[i]);
            store.add(new Sample(Sample.id(t.plusSeconds(i), "door", Integer.toString(i)), t.plusSeconds(i), "door", "p.jpg", "random",
                    List.of("random"), "ssd", "b".repeat(64), "detector", 640, 480, List.of(new Sample.Box("cat", 0.4, new double[] {0, 0, 0.5, 0.5})),
                    null, null, null, i), jpegs[i]);
        }
        try (S3Proxy s3 = S3Proxy.start(tmp.resolve("s3"));
             S3Client direct = s3.client();
             Mosquitto broker = new Mosquitto(tmp.resolve("broker"));
             Watcher w = new Watcher(broker, "watcher-upload", false, "vigil/#")) {
            direct.createBucket(b -> b.bucket("fleet-data"));
            String yaml = CONFIG.formatted(tmp.resolve("events"), "{ folder: " + TestData.images().toAbsolutePath() + ", fps: 2, loop: true }",
                    broker.url(), "1") + """
                    sampling:
                      dir: %s
                      upload: { s3: { endpoint: "%s", bucket: fleet-data, prefix: fleet }, device: pi-7, interval_s: 10 }
                    """.formatted(ds, s3.endpoint);
            VigilConfig cfg = ConfigLoader.parse(yaml, tmp, Map.of("MQTT_PASSWORD", Mosquitto.VIGIL_PASSWORD));
            System.setProperty("aws.accessKeyId", S3Proxy.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3Proxy.SECRET_KEY);
            try (Vigil v = Wiring.start(cfg, parts(false))) {
                JsonNode m = JSON.readTree(w.await(x -> x.topic().equals("vigil/test/dataset/uploaded"), WAIT, "the batch's announcement").payload());
                assertEquals("pi-7", m.get("device").asText());
                assertEquals("2026-11-21", m.get("day").asText());
                assertEquals("fleet/pi-7/2026-11-21/manifest.json", m.get("manifest").asText());
                assertEquals(m.get("objects").asInt(), m.get("sent").asInt());
                assertEquals(m.get("sent").asInt(), m.get("keys").size());
                int images = 0;
                for (JsonNode k : m.get("keys")) {
                    String key = k.asText();
                    byte[] stored = direct.getObjectAsBytes(b -> b.bucket("fleet-data").key(key)).asByteArray();
                    if (key.endsWith(".jpg")) {
                        String id = key.substring(key.lastIndexOf('/') + 1, key.length() - 4);
                        assertArrayEquals(Files.readAllBytes(store.jpeg(id)), stored, key);
                        images++;
                    }
                }
                assertEquals(3, images);
                JsonNode manifest = JSON.readTree(direct.getObjectAsBytes(b -> b.bucket("fleet-data").key("fleet/pi-7/2026-11-21/manifest.json")).asByteArray());
                assertEquals(3, manifest.get("samples").asInt());
                assertTrue(Files.exists(ds.resolve("uploaded.log")));
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
        }
    }
}
