package dev.vigil.daemon;

import dev.vigil.capture.Camera;
import dev.vigil.config.CameraConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.InferenceConfig;
import dev.vigil.swap.DeployRequest;
import dev.vigil.swap.DeployResult;
import dev.vigil.config.Redaction;
import dev.vigil.config.VigilConfig;
import dev.vigil.gpio.GpioStage;
import dev.vigil.health.Health;
import dev.vigil.model.Sha256;
import dev.vigil.pipeline.LabelCheck;
import dev.vigil.pipeline.SecondStage;
import dev.vigil.pipeline.ModelSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A config reload (SIGHUP, {@code vigil reload}, {@code POST /api/reload}): the file the daemon was started with is read
 * again, checked as {@code check-config} checks it, and applied whole or not at all.
 *
 * <pre>
 * applied live        cameras' groups, zones, masks, thresholds, confirm, cooldown, tracking, motion (on the inference
 *                     thread between two frames: no frame sees half a config); a camera whose source changed reconnects,
 *                     the others keep their connection and frame sequence; alarm; qc settings; gpio actions; webhooks
 * kept until restart  http, mqtt, events, logging, power, threads/engine/delegate (listed in the answer and in
 *                     /api/status as restart_needed)
 * refused (nothing)   an invalid file; a model change (that is {@code vigil models deploy}); cameras added, removed,
 *                     enabled or disabled; gpio pins, inputs, heartbeat or chip; qc stations added, removed or given
 *                     another audit file
 * </pre>
 */
public final class Reload {

    private static final Logger log = LoggerFactory.getLogger(Reload.class);
    /** How long a reload waits for the inference loop to finish its frame; beyond it, nothing changes. */
    static final Duration FRAME_BOUNDARY_LIMIT = Duration.ofSeconds(5);

    /**
     * What a reload did.
     *
     * @param ok            false: nothing changed; {@code message} is the one line saying why (the key first)
     * @param sha256        the file's sha256 when it was applied, else the running config's
     * @param applied       what changed live, e.g. {@code cameras.door.rules}, {@code webhooks}
     * @param restartNeeded the sections in the file that differ from the running ones and wait for a restart
     */
    public record Result(boolean ok, String message, String sha256, List<String> applied, List<String> restartNeeded) {}

    /**
     * The running config, for /api/status.
     *
     * @param reloads       reloads applied since start
     * @param restartNeeded sections of the file that the running daemon does not use yet
     */
    public record Status(Optional<Path> path, String sha256, Instant loadedAt, long reloads, List<String> restartNeeded) {}

    private final Vigil v;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(); // one at a time
    private final Counter ok, invalid;
    private volatile Status status;

    Reload(Vigil v, MeterRegistry registry) {
        this.v = v;
        Optional<Path> file = v.config.file();
        String sha = file.map(f -> {
            try {
                return Sha256.hex(Files.readAllBytes(f));
            } catch (IOException e) {
                return "unknown";
            }
        }).orElse("demo");
        this.status = new Status(file.map(Path::toAbsolutePath), sha, v.parts.time().clock().instant(), 0, List.of());
        this.ok = counter(registry, "ok", "Config reloads applied");
        this.invalid = counter(registry, "invalid", "Config reloads refused (invalid file or a change that needs a restart); nothing changed");
    }

    private static Counter counter(MeterRegistry r, String result, String what) {
        return Counter.builder("vigil.config.reloads").tag("result", result).description(what).register(r);
    }

    public Status status() { return status; }

    /** Reads the file again and applies it, or changes nothing; {@code cause} goes into the log line (SIGHUP, http ...). */
    public Result run(String cause) {
        lock.lock();
        try {
            return reload(cause);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code limit} for a reload under way (at shutdown: cameras it opens are then closed in order). */
    void awaitIdle(Duration limit) {
        try {
            if (lock.tryLock(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) lock.unlock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Result reload(String cause) {
        VigilConfig running = v.config;
        Optional<Path> file = running.file();
        if (file.isEmpty()) return refuse(cause, "config: vigil runs the embedded demo (no --config); there is no file to reload");
        VigilConfig next;
        String sha;
        try {
            sha = Sha256.hex(Files.readAllBytes(file.get()));
            next = ConfigLoader.load(file.get());
            check(running, next);
        } catch (IOException e) {
            return refuse(cause, file.get() + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (ConfigException e) {
            return refuse(cause, Redaction.redact(e.located()));
        }
        for (String w : next.warnings()) log.warn("config: {}", w);
        for (String w : LabelCheck.scoreFloorWarnings(next, v.daemon.analyzer().spec())) log.warn("config: {}", w);
        VigilConfig merged = merged(running, next);
        List<String> applied;
        try {
            applied = apply(running, merged);
        } catch (RuntimeException e) {
            return refuse(cause, "reload: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        List<String> restart = restartNeeded(merged, next);
        status = new Status(status.path(), sha, v.parts.time().clock().instant(), status.reloads() + 1, restart);
        ok.increment();
        String message = "config reloaded (" + cause + "): " + (applied.isEmpty() ? "no change" : "applied " + String.join(", ", applied))
                + (restart.isEmpty() ? "" : "; needs a restart: " + String.join(", ", restart)) + " (sha256 " + sha.substring(0, 12) + ")";
        log.info("{}", message);
        return new Result(true, message, sha, applied, restart);
    }

    private Result refuse(String cause, String line) {
        invalid.increment();
        log.error("config reload ({}) refused, running config kept: {}", cause, line);
        return new Result(false, line, status.sha256(), List.of(), status.restartNeeded());
    }

    /** What run would refuse, plus what a reload cannot change: one {@link ConfigException} naming the key. */
    private void check(VigilConfig running, VigilConfig next) {
        Path file = running.file().orElseThrow();
        boolean newModel = modelChanged(running.inference(), next.inference());
        if (!newModel) checkLabels(next, file);
        // The port is this daemon's own; the events directory and camera folders must work as at start.
        Preflight.check(next, v.parts.sources().keySet(), false);
        if (v.http != null) {
            try {
                dev.vigil.http.StatusServer.checkAccess(next.http());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage()).in(file);
            }
        }
        List<String> now = running.enabledCameras().stream().map(CameraConfig::name).toList();
        List<String> then = next.enabledCameras().stream().map(CameraConfig::name).toList();
        if (!now.equals(then)) throw new ConfigException("cameras: adding, removing, enabling, disabling or reordering a camera "
                + "needs a restart (running: " + now + ", file: " + then + "); restart vigil to apply it").in(file);
        if (!GpioStage.samePins(running.gpio(), next.gpio())) throw new ConfigException("gpio: a changed chip, output, input or "
                + "heartbeat pin needs a restart (actions change live); restart vigil to apply it").in(file);
        boolean sameStations = running.qc().keySet().equals(next.qc().keySet()) && running.qc().entrySet().stream()
                .allMatch(e -> e.getValue().audit().equals(next.qc().get(e.getKey()).audit()));
        if (!sameStations) throw new ConfigException("qc: adding or removing a station or moving its audit file needs a restart "
                + "(labels, scores and timing change live); restart vigil to apply it").in(file);
        if (newModel) deployModel(running, next, file); // last: everything else of the file was found good
    }

    private void checkLabels(VigilConfig next, Path file) {
        ModelSpec spec = v.daemon.analyzer().spec();
        if (spec.labels().isEmpty()) return;
        try {
            LabelCheck.check(next, spec.labels().get(), spec.name());
            // A second stage that stays: the groups' new sub_labels against its classifier (a new one is checked as it opens).
            for (CameraConfig c : next.enabledCameras()) {
                CameraPipeline cp = v.daemon.pipeline(c.name());
                SecondStage s = cp == null ? null : cp.secondStage();
                if (s != null && s.config().equals(c.secondStage()) && s.classifier().labels() != null)
                    LabelCheck.checkSubLabels(c, s.classifier().labels(), s.classifier().spec().name());
            }
        } catch (ConfigException e) {
            throw e.in(file);
        }
    }

    static boolean modelChanged(InferenceConfig a, InferenceConfig b) {
        return !a.model().equals(b.model()) || !a.labels().equals(b.labels()) || !a.labelsLocale().equals(b.labelsLocale());
    }

    /**
     * A changed model goes through the hot swap (load, self-test, switch between two frames); refused, the reload is
     * refused whole. The file's groups are then checked against the new model's labels; a label it lacks sends the
     * previous model back (deliberately, past the self-test's agreement) and refuses the reload: nothing changed.
     */
    private void deployModel(VigilConfig running, VigilConfig next, Path file) {
        String model = next.inference().model();
        DeployResult r = v.deployModel(new DeployRequest(model, false, "config reload"));
        if (!r.switched()) throw new ConfigException("model: " + model + " not deployed: " + r.message() + "; nothing reloaded").in(file);
        try {
            checkLabels(next, file);
        } catch (ConfigException e) {
            DeployResult back = v.deployModel(new DeployRequest(running.inference().model(), true, "config reload refused"));
            if (!back.switched()) log.error("config reload: the previous model {} could not come back: {}", running.inference().model(), back.message());
            throw e;
        }
    }

    /** The file's config with the sections kept until a restart taken from the running one. */
    private static VigilConfig merged(VigilConfig running, VigilConfig next) {
        InferenceConfig was = running.inference(), file = next.inference();
        InferenceConfig inference = new InferenceConfig(file.model(), was.threads(), was.engine(), was.delegate(), was.edgetpuDevice(),
                file.labels(), was.mirror(), file.labelsLocale(), was.swap()); // the model came through the hot swap
        return new VigilConfig(next.file(), inference, running.http(), running.events(), next.cameras(), next.alarm(),
                next.qc(), next.gpio(), running.power(), running.logging(), running.mqtt(), next.webhooks(), running.drift(),
                running.sampling(), next.warnings(), next.effective());
    }

    private static List<String> restartNeeded(VigilConfig kept, VigilConfig file) {
        List<String> out = new ArrayList<>();
        if (!kept.inference().equals(file.inference())) out.add("threads/engine/delegate/edgetpu_device/mirror/models");
        if (!kept.http().equals(file.http())) out.add("http");
        if (!kept.events().equals(file.events())) out.add("events");
        if (!kept.mqtt().equals(file.mqtt())) out.add("mqtt");
        if (!kept.drift().equals(file.drift())) out.add("drift");
        if (!kept.sampling().equals(file.sampling())) out.add("sampling");
        if (!kept.logging().equals(file.logging())) out.add("logging");
        if (!kept.power().equals(file.power())) out.add("power");
        return out;
    }

    /**
     * New cameras for changed sources are opened first; then, between two frames, every stage gets its part of the
     * new config and the running config is replaced; then the replaced cameras are closed.
     */
    private List<String> apply(VigilConfig running, VigilConfig next) {
        List<String> applied = new ArrayList<>();
        Map<String, Camera> reopened = new LinkedHashMap<>();
        Daemon daemon = v.daemon;
        for (CameraConfig c : next.enabledCameras()) {
            CameraConfig was = running.cameras().get(c.name());
            if (Objects.equals(was.source(), c.source())) continue;
            if (v.parts.sources().containsKey(c.name())) {
                log.warn("camera {}: source changed in the file but replaced in this process; kept", c.name());
                continue;
            }
            reopened.put(c.name(), Camera.start(c.name(), c.source(), Wiring.cameraOptions(v.parts, daemon.signal(), v.health)));
        }
        // Second stages whose settings changed are opened before the switch (a model load takes a while), closed if it fails.
        Map<String, SecondStage> seconds = new LinkedHashMap<>();
        try {
            for (CameraConfig c : next.enabledCameras()) {
                if (Objects.equals(running.cameras().get(c.name()).secondStage(), c.secondStage())) continue;
                seconds.put(c.name(), SecondStages.open(next, c, v.parts, daemon.analyzer().kind()));
            }
        } catch (RuntimeException e) {
            reopened.values().forEach(Camera::close);
            seconds.values().forEach(s -> { if (s != null) s.close(); });
            throw e;
        }
        List<SecondStage> replaced = new ArrayList<>();
        // The outputs first: a visit the new rules start goes to the webhooks of the same file.
        v.webhooks.reconfigure(next);
        if (v.mqtt != null) v.mqtt.reconfigure(next);
        Map<String, Camera> old = new LinkedHashMap<>();
        try {
            daemon.betweenFrames(() -> {
                for (CameraConfig c : next.enabledCameras()) {
                    CameraPipeline cp = daemon.pipeline(c.name());
                    for (String what : cp.reconfigure(c)) applied.add("cameras." + c.name() + "." + what);
                    if (seconds.containsKey(c.name())) replaced.add(cp.replaceSecondStage(seconds.remove(c.name())));
                    Camera fresh = reopened.get(c.name());
                    if (fresh != null) {
                        old.put(c.name(), cp.replaceCamera(fresh));
                        applied.add("cameras." + c.name() + ".source (reconnected)");
                    }
                }
                v.decisions.reconfigure(next, v.gpio);
                if (v.gpio != null) v.gpio.reconfigure(next.gpio());
                v.config = next;
            }, FRAME_BOUNDARY_LIMIT);
        } catch (RuntimeException e) {
            reopened.values().forEach(Camera::close);
            seconds.values().forEach(s -> { if (s != null) s.close(); }); // those not handed over
            v.webhooks.reconfigure(running);
            if (v.mqtt != null) v.mqtt.reconfigure(running);
            throw e;
        }
        for (SecondStage s : replaced) if (s != null) s.close();
        for (var e : old.entrySet()) {
            v.health.reopened(e.getKey(), Wiring.captureProbe(reopened.get(e.getKey())),
                    Health.freshness(next.cameras().get(e.getKey()).source()));
            e.getValue().close();
            // What the old camera said while closing (a DOWN) must not stand for the new one.
            Camera fresh = reopened.get(e.getKey());
            v.health.cameraState(e.getKey(), fresh.state(), fresh.state() == dev.vigil.capture.CameraState.UP ? null : "reopened");
        }
        if (!running.alarm().equals(next.alarm())) applied.add("alarm");
        for (var q : next.qc().entrySet()) if (!q.getValue().equals(running.qc().get(q.getKey()))) applied.add("qc." + q.getKey());
        if (!running.gpio().actions().equals(next.gpio().actions())) applied.add("gpio.actions");
        if (!running.webhooks().equals(next.webhooks())) applied.add("webhooks");
        return applied;
    }
}
