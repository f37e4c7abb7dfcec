package dev.vigil.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code sampling.upload:}; missing: no upload. */
final class UploadReader {

    static final List<String> KEYS = List.of("s3", "device", "formats", "interval_s", "max_bytes_per_s");
    private static final List<String> S3 = List.of("endpoint", "bucket", "region", "prefix", "path_style");

    private UploadReader() {}

    static Optional<UploadConfig> read(ConfigNode n) {
        if (n.missing()) return Optional.empty();
        n.mapping("the upload's settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
        ConfigNode s3 = n.get("s3");
        if (s3.missing()) throw s3.fail("missing; give the storage: s3: {bucket: NAME, endpoint: URL, ...}");
        s3.mapping("the storage (" + String.join(", ", S3) + ")");
        for (String k : List.of("access_key", "access_key_id", "secret", "secret_key", "secret_access_key", "credentials"))
            if (s3.has(k)) throw s3.get(k).fail("credentials are never read from the config (it is logged and shown); set AWS_ACCESS_KEY_ID"
                    + " and AWS_SECRET_ACCESS_KEY in the daemon's environment (/etc/default/vigil, the unit's EnvironmentFile)");
        s3.allowOnly(S3);
        String endpointText = s3.get("endpoint").text(null);
        Optional<URI> endpoint;
        try {
            endpoint = Optional.ofNullable(endpointText).map(String::strip).map(URI::create);
        } catch (IllegalArgumentException e) {
            throw s3.get("endpoint").fail(endpointText + " is not a URL");
        }
        String bucket = s3.get("bucket").requiredText("the bucket's name");
        String region = s3.get("region").text("us-east-1").strip();
        String prefix = s3.get("prefix").text("vigil").strip();
        boolean pathStyle = s3.get("path_style").bool(endpoint.isPresent());
        String device = n.get("device").text(MqttReader.hostName()).strip();
        List<String> formats = new ArrayList<>();
        ConfigNode f = n.get("formats");
        for (ConfigNode one : f.list("formats (coco, voc, yolo, folders)")) formats.add(one.text("").strip());
        if (f.missing()) {
            formats.add("coco");
            f.keep(formats);
        }
        var interval = n.get("interval_s").seconds(3600);
        long rate = n.get("max_bytes_per_s").bytes(0);
        UploadConfig u = n.make(() -> new UploadConfig(endpoint, bucket, region, prefix, pathStyle, device, formats, interval, rate));
        return Optional.of(u);
    }
}
