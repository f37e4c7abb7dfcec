package dev.vigil.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Upload of the dataset to S3-compatible storage ({@code sampling.upload:}); absent: nothing leaves the device. The
 * credentials never appear here: they come from the daemon's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)
 * or the SDK's other standard places (a profile, the instance's role).
 *
 * @param endpoint   the storage's URL (MinIO, Ceph RGW); empty: AWS S3 of {@code region}
 * @param bucket     the bucket the batches go into (it must exist)
 * @param region     the signing region (MinIO and Ceph accept us-east-1)
 * @param prefix     every key starts with it: {@code <prefix>/<device>/<day>/...}
 * @param pathStyle  {@code endpoint/bucket/key} instead of {@code bucket.endpoint/key} (MinIO and Ceph usually want it)
 * @param device     this device's name in the keys (default: the host name, as MQTT's)
 * @param formats    the export formats of each batch (coco, voc, yolo, folders)
 * @param interval   how often the daemon uploads what is new
 * @param maxBytesPerS the upload's bandwidth in bytes per second; 0: no limit
 */
public record UploadConfig(Optional<URI> endpoint, String bucket, String region, String prefix, boolean pathStyle,
                           String device, List<String> formats, Duration interval, long maxBytesPerS) {

    static final List<String> FORMATS = List.of("coco", "voc", "yolo", "folders");
    private static final java.util.regex.Pattern BUCKET = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public UploadConfig {
        endpoint.ifPresent(u -> {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null)
                throw ConfigException.at("s3.endpoint", u + " is not an http:// or https:// URL");
        });
        if (bucket == null || !BUCKET.matcher(bucket).matches())
            throw ConfigException.at("s3.bucket", bucket + " is not a bucket name (3..63 of a-z, 0-9, '.', '-')");
        if (prefix.startsWith("/") || prefix.endsWith("/")) throw ConfigException.at("s3.prefix", prefix + " must not start or end with /");
        Check.name("device", device, "a device", "it becomes part of the object keys");
        if (formats.isEmpty()) throw ConfigException.at("formats", "is empty; give one or more of " + String.join(", ", FORMATS));
        for (String f : formats)
            if (!FORMATS.contains(f)) throw ConfigException.at("formats", f + " is not one of " + String.join(", ", FORMATS));
        formats = List.copyOf(formats);
        Check.seconds("interval_s", interval, 10);
        Check.within("max_bytes_per_s", maxBytesPerS, 0, 1_000_000_000L);
    }

    /** Where the storage is, for messages: the endpoint, else AWS S3 in the region; then the bucket. */
    public String where() {
        return endpoint.map(URI::toString).orElse("s3 " + region) + " bucket " + bucket;
    }
}
