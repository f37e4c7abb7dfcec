package dev.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code sampling.upload:}: its defaults, and one line naming the key for each mistake. */
class UploadConfigTest {

    static VigilConfig parse(String upload) {
        return ConfigLoader.parse("cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }\n"
                + "sampling: { upload: " + upload + " }", Path.of("/tmp"), Map.of());
    }

    static String error(String upload) {
        return assertThrows(ConfigException.class, () -> parse(upload)).getMessage();
    }

    @Test
    void absentMeansNoUploadAndAnEndpointMeansPathStyle() {
        VigilConfig none = ConfigLoader.parse("cameras: { door: { source: { folder: /tmp }, groups: { person: { labels: [person] } } } }",
                Path.of("/tmp"), Map.of());
        assertEquals(Optional.empty(), none.sampling().upload());
        UploadConfig u = parse("{ s3: { endpoint: 'http://minio.lan:9000', bucket: datasets }, device: pi-1, max_bytes_per_s: 64KB }")
                .sampling().upload().orElseThrow();
        assertEquals(Optional.of(URI.create("http://minio.lan:9000")), u.endpoint());
        assertTrue(u.pathStyle());
        assertEquals("us-east-1", u.region());
        assertEquals("vigil", u.prefix());
        assertEquals(List.of("coco"), u.formats());
        assertEquals(Duration.ofHours(1), u.interval());
        assertEquals(65536, u.maxBytesPerS());
        UploadConfig aws = parse("{ s3: { bucket: datasets, region: eu-west-1 }, device: pi-1, formats: [coco, yolo] }").sampling().upload().orElseThrow();
        assertEquals(false, aws.pathStyle());
        assertEquals(List.of("coco", "yolo"), aws.formats());
    }

    @Test
    void eachMistakeIsOneLineNamingItsKey() {
        assertEquals("sampling.upload.s3: missing; give the storage: s3: {bucket: NAME, endpoint: URL, ...}", error("{ device: pi-1 }"));
        assertEquals("sampling.upload.s3.bucket: missing; give the bucket's name", error("{ s3: { endpoint: 'http://m:9000' } }"));
        assertEquals("sampling.upload.s3.bucket: My_Bucket is not a bucket name (3..63 of a-z, 0-9, '.', '-')", error("{ s3: { bucket: My_Bucket } }"));
        assertEquals("sampling.upload.s3.endpoint: ftp://m is not an http:// or https:// URL", error("{ s3: { bucket: data, endpoint: 'ftp://m' } }"));
        assertEquals("sampling.upload.formats: coc is not one of coco, voc, yolo, folders", error("{ s3: { bucket: data }, formats: [coc] }"));
        assertEquals("sampling.upload.interval_s: 1 must be at least 10", error("{ s3: { bucket: data }, interval_s: 1 }"));
        assertEquals("sampling.upload.s3.secret_key: credentials are never read from the config (it is logged and shown); set AWS_ACCESS_KEY_ID"
                + " and AWS_SECRET_ACCESS_KEY in the daemon's environment (/etc/default/vigil, the unit's EnvironmentFile)", error("{ s3: { bucket: data, secret_key: x } }"));
        assertEquals("sampling.upload.s3.region_name: unknown key; expected one of endpoint, bucket, region, prefix, path_style",
                error("{ s3: { bucket: data, region_name: x } }"));
    }
}
