package dev.vigil.learn;

import dev.vigil.inference.EngineOptions;
import dev.vigil.model.ModelStore;
import dev.vigil.swap.DeployRequest;
import dev.vigil.swap.DeployResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil learn} inside the daemon, for the review page: a learn over the sample store's labelled samples on a
 * thread of its own ({@code vigil-learn}), never the frame path's, one at a time; then, when asked, the hot swap
 * deploys the result with its self-test. Its state is one immutable {@link Status}, replaced as the run moves on.
 */
public final class LearnJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LearnJobs.class);

    public enum State {
        IDLE, RUNNING, DONE, FAILED;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * @param crops  learn from the labelled boxes (a second stage's classifier), or null for whole-frame classes
     * @param deploy hand the learned model to the hot swap once written
     * @param via    who asked, for the log and the swap ("http 10.0.0.5")
     */
    public record Request(String name, Learner.Crops crops, boolean deploy, String via) {}

    /**
     * Where the last run is. {@code phase}, {@code done} and {@code total} while it runs ("embedding" 40 of 100);
     * {@code result} once done; {@code error} the one line of a failed run; {@code deploy} the swap's answer, when asked.
     */
    public record Status(State state, Request request, Instant started, Instant finished, String phase, int done, int total,
                         Learner.Result result, String error, DeployResult deploy) {

        static final Status IDLE = new Status(State.IDLE, null, null, null, null, 0, 0, null, null, null);

        Status at(String p, int d, int t) { return new Status(state, request, started, finished, p, d, t, result, error, deploy); }
    }

    /** A learn is under way already. */
    public static final class Busy extends RuntimeException {
        Busy(String message) { super(message); }
    }

    /** Thrown from progress when the daemon stops: the run ends before it writes anything. */
    private static final class Stopped extends RuntimeException {
        Stopped() { super("the daemon stopped", null, false, false); }
    }

    /** What a run calls: {@link Learner#learn}; tests give one that waits. */
    @FunctionalInterface
    interface Run {
        Learner.Result learn(ModelStore store, Learner.Options o, Learner.Progress p) throws Exception;
    }

    private final Run learner;
    private final ModelStore store;
    private final Path dataset;
    private final Function<DeployRequest, DeployResult> deployer;
    private final Clock clock;
    private volatile Status status = Status.IDLE;
    private volatile boolean closing;
    private Thread thread;

    /**
     * @param dataset  the sample store's folder ({@code sampling.dir})
     * @param deployer the hot swap ({@code Vigil#deployModel}); null where none runs (a deploy then fails with a line)
     */
    public LearnJobs(ModelStore store, Path dataset, Function<DeployRequest, DeployResult> deployer, Clock clock) {
        this(Learner::learn, store, dataset, deployer, clock);
    }

    LearnJobs(Run learner, ModelStore store, Path dataset, Function<DeployRequest, DeployResult> deployer, Clock clock) {
        this.learner = learner;
        this.store = store;
        this.dataset = dataset;
        this.deployer = deployer;
        this.clock = clock;
    }

    public Status status() { return status; }

    /**
     * Starts a learn and returns at once with its first status.
     *
     * @throws Busy                     when one runs
     * @throws IllegalArgumentException when the name cannot be a learned model's (one line)
     */
    public synchronized Status start(Request r) {
        if (closing) throw new Busy("the daemon is stopping");
        Status now = status;
        if (now.state() == State.RUNNING)
            throw new Busy("learning " + now.request().name() + " is under way (" + now.phase() + " " + now.done() + " of " + now.total() + "); wait for it to end");
        Learner.checkName(store, r.name());
        status = new Status(State.RUNNING, r, clock.instant(), null, "starting", 0, 0, null, null, null);
        thread = Thread.ofPlatform().name("vigil-learn").daemon().start(() -> run(r));
        return status;
    }

    private void run(Request r) {
        log.info("learn: {} from {} ({}), asked by {}", r.name(), dataset, r.crops() == null ? "whole frames" : "box crops, margin " + r.crops().margin(), r.via());
        Learner.Result result;
        try {
            // One thread: the frame path keeps the other core.
            result = learner.learn(store, new Learner.Options(r.name(), dataset, Learner.DEFAULT_BASE, null, "tflite", EngineOptions.cpu(1),
                    0.2, false, r.crops()), (phase, done, total) -> {
                        if (closing) throw new Stopped();
                        status = status.at(phase, done, total);
                    });
        } catch (Exception e) {
            String why = e instanceof IllegalArgumentException || e instanceof Stopped ? e.getMessage() : e.toString();
            log.warn("learn: {} failed: {}", r.name(), why);
            status = new Status(State.FAILED, r, status.started(), clock.instant(), status.phase(), status.done(), status.total(), null, why, null);
            return;
        }
        log.info("learn: {}: {}", r.name(), result.why());
        DeployResult deployed = null;
        if (r.deploy() && !closing) {
            status = new Status(State.RUNNING, r, status.started(), null, "deploying", 0, 1, result, null, null);
            try {
                deployed = deployer == null ? null : deployer.apply(new DeployRequest(r.name(), true, r.via()));
            } catch (RuntimeException e) {
                status = new Status(State.FAILED, r, status.started(), clock.instant(), "deploying", 0, 1, result, "deploy: " + e.getMessage(), null);
                return;
            }
            if (deployed == null) {
                status = new Status(State.FAILED, r, status.started(), clock.instant(), "deploying", 0, 1, result,
                        "deploy: no model can be deployed in this process", null);
                return;
            }
        }
        status = new Status(State.DONE, r, status.started(), clock.instant(), "done", 1, 1, result, null, deployed);
    }

    /** Waits for a run under way to end (tests, and close). */
    public boolean await(java.time.Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        return t == null || t.join(timeout);
    }

    /** A run under way stops at its next image, before it writes; waits a little for it. */
    @Override
    public void close() {
        closing = true;
        try {
            await(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
