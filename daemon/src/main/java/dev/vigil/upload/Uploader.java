package dev.vigil.upload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Secrets;
import dev.vigil.config.UploadConfig;
import dev.vigil.sampling.SampleStore;
import dev.vigil.time.TimeSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Sends the dataset to S3-compatible storage, a {@link Batch} per day, on its own thread ({@code vigil-upload}): it
 * reads the store, never the frame path. Each object is sent once: the {@link Uploaded} record says what the storage
 * holds; an object missing from it (a record lost, a restart after the send and before the write) is asked about
 * (HEAD) and not sent again when its size and ETag match. A pass that fails (the network, the server) is tried again
 * after 1, 2, 4 ... s up to the interval, and continues where it stopped; a refusal (credentials, bucket) is said in
 * one line and tried again at the next interval.
 */
public final class Uploader implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    /** What one day's upload did: objects in the batch, sent now, already there; bytes sent; the keys sent. */
    public record Result(LocalDate day, int objects, int sent, int skipped, long bytes, List<String> keys, String manifest) {}

    private final UploadConfig cfg;
    private final SampleStore store;
    private final Uploaded record;
    private final Storage storage;
    private final Batch batch;
    private final Throttle throttle;
    private final TimeSource time;
    private final Consumer<Result> announce;
    private final AtomicLong objects = new AtomicLong(), bytes = new AtomicLong(), failures = new AtomicLong();
    private ScheduledExecutorService timer;
    private volatile boolean closed;
    private Duration backoff = FIRST_RETRY;
    private String lastProblem;
    private final java.util.Map<LocalDate, Long> sent = new java.util.HashMap<>(); // day -> fingerprint sent whole (vigil-upload only)

    /**
     * @param credentials where the keys come from (the daemon: the SDK's default chain, environment first)
     * @param announce    told of every day that sent something (MQTT), on the upload's thread
     */
    public Uploader(UploadConfig cfg, SampleStore store, AwsCredentialsProvider credentials, TimeSource time, Consumer<Result> announce)
            throws IOException {
        this.cfg = cfg;
        this.store = store;
        this.time = time;
        this.announce = announce;
        this.record = Uploaded.open(store.dir().resolve("uploaded.log"));
        this.storage = new Storage(cfg, credentials);
        this.batch = new Batch(cfg, store);
        this.throttle = new Throttle(cfg.maxBytesPerS(), time, () -> closed);
    }

    /**
     * The SDK's standard credentials (the environment first, then a profile, the instance's role). Their secret parts in
     * the environment are masked wherever vigil writes text (logs, errors), as a config's {@code ${VAR}} values are.
     */
    public static AwsCredentialsProvider environmentCredentials() {
        maskCredentials(System.getenv());
        return DefaultCredentialsProvider.builder().build();
    }

    /** Registers the AWS keys of {@code env} (and the SDK's system properties) with {@link Secrets}. */
    static void maskCredentials(java.util.Map<String, String> env) {
        for (String v : List.of("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID")) Secrets.register(env.get(v));
        for (String p : List.of("aws.secretAccessKey", "aws.sessionToken", "aws.accessKeyId")) Secrets.register(System.getProperty(p));
    }

    /** The daemon's uploader (credentials: {@link #environmentCredentials}): a first pass 30 s after the start (or
     * one interval, when shorter), then every interval. */
    public static Uploader start(UploadConfig cfg, SampleStore store, AwsCredentialsProvider credentials, TimeSource time,
                                 Consumer<Result> announce) throws IOException {
        Uploader u = new Uploader(cfg, store, credentials, time, announce);
        u.timer = time.scheduler(r -> {
            Thread t = new Thread(r, "vigil-upload");
            t.setDaemon(true);
            return t;
        });
        // After the start-up, when the cameras have settled (sooner only with a shorter interval)
        u.timer.schedule(u::pass, Math.min(30_000, cfg.interval().toMillis()), TimeUnit.MILLISECONDS);
        log.info("upload: the dataset to {} under {}/{} every {} s{}", cfg.where(), cfg.prefix(), cfg.device(), cfg.interval().toSeconds(),
                cfg.maxBytesPerS() > 0 ? ", at most " + cfg.maxBytesPerS() + " bytes/s" : "");
        return u;
    }

    /** Every day with samples; schedules the next pass: the interval after a success, the backoff after a failure. */
    void pass() {
        Duration next = cfg.interval();
        try {
            for (LocalDate day : batch.days()) {
                if (closed) return;
                long f = batch.fingerprint(day);
                if (sent.getOrDefault(day, 0L) == f) continue; // sent whole, and nothing in it changed since
                upload(day);
                sent.put(day, f);
            }
            backoff = FIRST_RETRY;
            lastProblem = null;
        } catch (Storage.Refused e) {
            failures.incrementAndGet();
            if (!e.getMessage().equals(lastProblem)) log.error("upload: {}", e.getMessage());
            lastProblem = e.getMessage();
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            if (closed) return;
            log.warn("upload: {} failed ({}); trying again in {} s", cfg.where(), e.getMessage(), backoff.toSeconds());
            next = backoff;
            backoff = backoff.multipliedBy(2).compareTo(cfg.interval()) > 0 ? cfg.interval() : backoff.multipliedBy(2);
        }
        if (!closed && timer != null) timer.schedule(this::pass, next.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One day's batch, on the caller's thread: what the storage lacks is sent, the manifest last. */
    public Result upload(LocalDate day) throws IOException, Storage.Refused {
        List<Batch.Item> items = batch.build(day);
        int sent = 0, skipped = 0;
        long sentBytes = 0;
        List<String> keys = new ArrayList<>();
        for (Batch.Item it : items) {
            if (closed) throw new IOException("upload stopped");
            if (record.has(it.key(), it.entry())) {
                skipped++;
                continue;
            }
            if (storage.head(it.key()).filter(it.entry()::equals).isPresent()) {
                record.add(it.key(), it.entry()); // sent before its line was written: the storage has it
                skipped++;
                continue;
            }
            storage.put(it, throttle);
            record.add(it.key(), it.entry());
            objects.incrementAndGet();
            bytes.addAndGet(it.size());
            sent++;
            sentBytes += it.size();
            keys.add(it.key());
        }
        String manifest = items.isEmpty() ? null : items.getLast().key();
        Result r = new Result(day, items.size(), sent, skipped, sentBytes, List.copyOf(keys), manifest);
        if (sent > 0) {
            log.info("upload: {} sent, {} objects ({} bytes) to {}; {} already there", day, sent, sentBytes, cfg.where(), skipped);
            announce.accept(r);
        }
        return r;
    }

    /** The MQTT announcement of a batch: device, day, manifest key, counts and the keys sent. */
    public static byte[] announcement(UploadConfig cfg, Result r) {
        ObjectNode n = Batch.JSON.createObjectNode().put("device", cfg.device()).put("day", r.day().toString())
                .put("bucket", cfg.bucket()).put("manifest", r.manifest()).put("objects", r.objects()).put("sent", r.sent())
                .put("bytes", r.bytes());
        r.keys().forEach(n.putArray("keys")::add);
        return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code vigil.upload.objects}, {@code vigil.upload.bytes} (sent), {@code vigil.upload.failures} (passes that failed). */
    @Override
    public void bindTo(MeterRegistry r) {
        FunctionCounter.builder("vigil.upload.objects", objects, AtomicLong::doubleValue).description("Dataset objects sent to the storage").register(r);
        FunctionCounter.builder("vigil.upload.bytes", bytes, AtomicLong::doubleValue).baseUnit("bytes").description("Dataset bytes sent to the storage").register(r);
        FunctionCounter.builder("vigil.upload.failures", failures, AtomicLong::doubleValue).description("Upload passes that failed (network, server, credentials)").register(r);
    }

    /** The days that have samples, oldest first. */
    public List<LocalDate> days() { return batch.days(); }

    public long objectsSent() { return objects.get(); }

    public long bytesSent() { return bytes.get(); }

    public long failures() { return failures.get(); }

    @Override
    public void close() throws IOException {
        closed = true;
        throttle.wake();
        if (timer != null) timer.shutdownNow();
        storage.close();
        record.close();
    }
}
