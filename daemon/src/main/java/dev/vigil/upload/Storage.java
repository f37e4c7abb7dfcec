package dev.vigil.upload;

import dev.vigil.config.UploadConfig;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The bucket, through the AWS SDK's S3 client on the JDK's HttpURLConnection. The SDK's own retries are off: a failed
 * object is retried by {@link Uploader} with its backoff on vigil's {@link dev.vigil.time.TimeSource}, and the
 * {@link Uploaded} record decides what is sent again. Checksums are only those S3 requires (plus Content-MD5): the
 * SDK's default CRC trailers are not understood by every S3-compatible server (older MinIO, Ceph RGW, s3proxy).
 */
public final class Storage implements AutoCloseable {

    /** A failure the next try cannot mend (the credentials, the bucket): said once, retried only at the next interval. */
    public static final class Refused extends Exception {
        Refused(String message, Throwable cause) { super(message, cause); }
    }

    private static final Set<String> CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
            "InvalidToken", "ExpiredToken", "AuthorizationHeaderMalformed", "InvalidSecurity");

    private final S3Client s3;
    private final UploadConfig cfg;

    Storage(UploadConfig cfg, AwsCredentialsProvider credentials) {
        this.cfg = cfg;
        var b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)).build())
                .region(Region.of(cfg.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(cfg.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        cfg.endpoint().ifPresent(b::endpointOverride);
        this.s3 = b.build();
    }

    /** The object as stored, or empty when there is none. */
    Optional<Uploaded.Entry> head(String key) throws Refused {
        try {
            HeadObjectResponse r = s3.headObject(h -> h.bucket(cfg.bucket()).key(key));
            String etag = r.eTag() == null ? "" : r.eTag().replace("\"", "");
            return Optional.of(new Uploaded.Entry(r.contentLength(), etag));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw refusedOr(e);
        } catch (SdkClientException e) {
            throw refusedOr(e);
        }
    }

    /** Sends the object; the server checks its Content-MD5, so what it keeps is byte for byte what was read. */
    void put(Batch.Item it, Throttle throttle) throws Refused {
        String md5 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(it.entry().md5()));
        String type = it.key().endsWith(".jpg") ? "image/jpeg" : it.key().endsWith(".json") ? "application/json"
                : it.key().endsWith(".xml") ? "application/xml" : "text/plain";
        RequestBody body = RequestBody.fromContentProvider(() -> {
            try {
                return throttle.wrap(it.file() == null ? new ByteArrayInputStream(it.bytes()) : Files.newInputStream(it.file()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, it.size(), type);
        try {
            s3.putObject(p -> p.bucket(cfg.bucket()).key(it.key()).contentLength(it.size()).contentMD5(md5).contentType(type), body);
        } catch (SdkClientException | S3Exception e) {
            throw refusedOr(e);
        }
    }

    /** A refusal the next try will meet again becomes {@link Refused}, with one line naming what to fix; the rest is thrown as is. */
    private RuntimeException refusedOr(SdkException e) throws Refused {
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? "" : s.awsErrorDetails().errorCode();
            if (CREDENTIALS.contains(code) || s.statusCode() == 403)
                throw new Refused(cfg.where() + " refused the credentials (" + (code.isEmpty() ? "HTTP " + s.statusCode() : code)
                        + "); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the daemon's environment and the bucket's policy", e);
            if ("NoSuchBucket".equals(code))
                throw new Refused(cfg.where() + ": no such bucket; create it or fix sampling.upload.s3.bucket", e);
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof SdkClientException && m.contains("credentials"))
            throw new Refused("sampling.upload: no credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the daemon's"
                    + " environment (or AWS_PROFILE)", e);
        return e;
    }

    @Override
    public void close() { s3.close(); }
}
