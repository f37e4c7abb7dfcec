package dev.vigil.http;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.PowerConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.daemon.Vigil;
import dev.vigil.daemon.Wiring;
import dev.vigil.model.ModelStore;
import dev.vigil.metrics.Metrics;
import dev.vigil.power.PowerSensors;
import dev.vigil.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A daemon replaying the test photos through the default detector, with the metrics, live view and HTTP server on
 * 127.0.0.1 (a free port), power from a fixture sysfs tree (none: the estimate) sampled every second.
 */
final class LiveDaemon implements AutoCloseable {

    static final String CONFIG = """
            model: ssd_mobilenet_v1_coco_quant
            threads: 2
            http: { listen: "127.0.0.1:0"%s }
            events: { dir: %s }
            power: { idle_watts: 2, busy_watts: 6, interval_s: 1 }
            cameras:
              door:
                source: %s
                groups:
                  person: { labels: [person], min_score: 0.5 }
                  animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
                confirm: { frames: 1, of: 1 }
                cooldown_s: 0
                tracking: false
            """;

    final Vigil vigil;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LiveDaemon(Vigil vigil) {
        this.vigil = vigil;
    }

    /** The photos at {@code fps}, in a loop or once. */
    static LiveDaemon start(Path tmp, double fps, boolean loop) {
        return start(tmp, photos(fps, loop));
    }

    static String photos(double fps, boolean loop) {
        return "{ folder: " + TestData.images().toAbsolutePath() + ", fps: " + fps + ", loop: " + loop + " }";
    }

    /** The camera {@code door} on the given source (YAML flow mapping). */
    static LiveDaemon start(Path tmp, String source) {
        return start(tmp, source, "", Map.of());
    }

    /** The camera {@code door} on the given source, {@code ${VAR}} read from {@code env}. */
    static LiveDaemon start(Path tmp, String source, Map<String, String> env) {
        return start(tmp, source, "", env);
    }

    /** With more HTTP settings ({@code http} is written after the listen address, e.g. {@code ", auth: token"}). */
    static LiveDaemon start(Path tmp, String source, String http) {
        return start(tmp, source, http, Map.of());
    }

    static LiveDaemon start(Path tmp, String source, String http, Map<String, String> env) {
        VigilConfig cfg = ConfigLoader.parse(CONFIG.formatted(http, tmp.resolve("events"), source), tmp, env);
        PowerSensors.Machine machine = new PowerSensors.Machine(tmp.resolve("sys"), (argv, t) -> {
            throw new IOException("no " + argv.get(0) + " here");
        }, () -> 0.5, System::nanoTime);
        Wiring.Parts parts = Wiring.Parts.forTest(ModelStore.fromEnvironment())
                .withMetrics(c -> new Metrics.Options(c.power(), machine, Path.of("/proc/self"), Duration.ofMillis(500)));
        return new LiveDaemon(Wiring.start(cfg, parts));
    }

    String base() { return "http://127.0.0.1:" + vigil.http().port(); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> bytes(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The status code alone; the body (a live stream, maybe) is not read. */
    int status(String path) throws IOException, InterruptedException {
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    /** Polls until /readyz answers 200 or the time is up. */
    boolean awaitReady(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/readyz").statusCode() == 200) return true;
            Thread.sleep(200);
        }
        return false;
    }

    @Override
    public void close() {
        vigil.close();
    }
}
