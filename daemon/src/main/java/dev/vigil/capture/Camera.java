package dev.vigil.capture;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured camera: a platform thread ({@code capture-<name>}) reads its source as fast as the source delivers and
 * keeps only the newest frame, so a slow consumer never builds a backlog. A source that fails is reopened with
 * exponential backoff; a finite one ends. The consumer takes frames with {@link #poll()} or {@link #acquire} and gives
 * them back with {@link #release}.
 *
 * <p>The source and its native objects belong to the capture thread ({@link CaptureLoop}), which opens and closes
 * them; the frame Mats belong to the camera's buffer and are freed by {@link #close()} (or by the capture thread, if
 * close() had to give up waiting for it). {@link CameraStatus} logs and reports state changes; {@link StallWatchdog}
 * aborts a call that blocks past the source's stall limit.
 */
public final class Camera implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Camera.class);
    private static final long CLOSE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final long CLOSE_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1900);

    /**
     * Told about every state change, on the thread that made it (capture thread or watchdog); must not block. {@code from}
     * is null for the first CONNECTING; {@code reason} is null for CONNECTING and UP, and for an ENDED that is not a
     * failure.
     */
    @FunctionalInterface
    public interface Listener {
        void changed(Camera camera, CameraState from, CameraState to, String reason);
    }

    /**
     * @param backoffBase         first reconnect delay (doubles per failure)
     * @param backoffMax          longest reconnect delay
     * @param commandStallTimeout a command that writes nothing for this long is killed and restarted
     * @param lossless            capture waits for the consumer instead of dropping (replaying finite sources with
     *                            {@code --once}, where every image counts); live cameras never use it
     * @param realtime            replay files and folders at their fps; false reads them as fast as they are consumed
     * @param signal              shared by the cameras one consumer serves; null for none
     * @param listener            state changes, in addition to the log line; null for none
     * @param time                frame times, pacing, reconnect waits and stall checks (tests pass virtual time)
     * @param jitter              shortens each reconnect delay by 0..25% (see {@link Backoff}); tests pass a seeded one
     * @param probePeriod         while the source does not answer its cheap probe ({@link FrameSource#reachable()}), how
     *                            often it is asked again; the costly open waits for an answer
     */
    public record Options(Duration backoffBase, Duration backoffMax, Duration commandStallTimeout, boolean lossless,
                          boolean realtime, FrameSignal signal, Listener listener, TimeSource time, RandomGenerator jitter,
                          Duration probePeriod) {

        /**
         * The probe period: a camera is back at most this (plus one open) after its source returns, however long it was
         * gone; the target is 5 s, and a TCP connect a second is nothing for a camera or a server.
         */
        public static final Duration DEFAULT_PROBE_PERIOD = Duration.ofSeconds(1);

        public Options {
            if (probePeriod == null || probePeriod.isNegative() || probePeriod.isZero())
                throw new IllegalArgumentException("probe period must be positive: " + probePeriod);
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10), false, true, null, null,
                    TimeSource.system(), null, DEFAULT_PROBE_PERIOD);
        }

        public Options withProbePeriod(Duration p) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, signal, listener, time, jitter, p);
        }

        public Options withBackoff(Duration base, Duration max) {
            return new Options(base, max, commandStallTimeout, lossless, realtime, signal, listener, time, jitter, probePeriod);
        }

        public Options withCommandStallTimeout(Duration d) {
            return new Options(backoffBase, backoffMax, d, lossless, realtime, signal, listener, time, jitter, probePeriod);
        }

        public Options withLossless(boolean l) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, l, realtime, signal, listener, time, jitter, probePeriod);
        }

        public Options withRealtime(boolean r) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, r, signal, listener, time, jitter, probePeriod);
        }

        public Options withSignal(FrameSignal s) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, s, listener, time, jitter, probePeriod);
        }

        public Options withListener(Listener l) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, signal, l, time, jitter, probePeriod);
        }

        public Options withTime(TimeSource t, RandomGenerator j) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, signal, listener, t, j, probePeriod);
        }
    }

    private final String name;
    private final FrameSource source;
    private final String description;
    private final FrameBuffer buffer;
    private final TimeSource time;
    private final CameraStatus status;
    private final CaptureLoop loop;
    private final Thread thread;
    private final StallWatchdog watchdog;

    private Camera(String name, FrameSource source, Options options) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.description = source.describe();
        FrameSignal signal = options.signal();
        this.buffer = new FrameBuffer(name, options.lossless(), signal == null ? () -> {} : signal::signal);
        this.time = options.time();
        this.status = new CameraStatus(this, options);
        this.loop = new CaptureLoop(name, source, options, buffer, status, this::captureEnded);
        this.thread = Thread.ofPlatform().name("capture-" + name).daemon().unstarted(loop);
        this.watchdog = StallWatchdog.watch(source, loop, status, time);
        thread.start();
    }

    /** Starts capturing from the source the spec names. */
    public static Camera start(String name, SourceSpec spec, Options options) {
        return new Camera(name, Sources.create(name, spec, options.commandStallTimeout()), options);
    }

    /** Starts capturing from a given source (a test double, or a source the wiring built itself). */
    public static Camera start(String name, FrameSource source, Options options) {
        return new Camera(name, source, options);
    }

    public String name() {
        return name;
    }

    /** The source, credentials redacted. */
    public String description() {
        return description;
    }

    public CameraState state() {
        return status.state();
    }

    /** True once a finite source has ended and its last frame was taken: nothing more will come. */
    public boolean ended() {
        return buffer.drained();
    }

    public CameraStats stats() {
        synchronized (buffer) {
            return new CameraStats(name, state(), buffer.captured, buffer.delivered, buffer.dropped, loop.reconnects(),
                    loop.decodeErrors(), status.downSince());
        }
    }

    /**
     * How long the capture thread has been inside its current open or read call (zero when it is not in one): a
     * health figure, and what the tests check to show no call outlives its timeout.
     */
    public Duration blockedFor() {
        long since = loop.busySince();
        return since == 0 ? Duration.ZERO : Duration.ofNanos(time.nanoTime() - since);
    }

    /** False once the capture thread has ended other than by close() or a finite source's end (an Error killed it). */
    public boolean captureAlive() {
        return thread.isAlive() || loop.closing() || status.current() == CameraState.ENDED;
    }

    /** The newest frame not yet taken, or null; never blocks. The caller owns it until {@link #release}. */
    public Frame poll() {
        return buffer.poll();
    }

    /**
     * Waits up to timeout for a frame. Returns null on timeout, or at once when the source has ended or the camera is
     * closed. The caller owns the frame until {@link #release}.
     */
    public Frame acquire(Duration timeout) throws InterruptedException {
        return buffer.await(timeout.toNanos());
    }

    /** Gives a frame from {@link #poll} or {@link #acquire} back; its Mat will be overwritten. */
    public void release(Frame frame) {
        buffer.release(frame);
    }

    /** The capture thread's last act, however it ended (an Error included). */
    private void captureEnded() {
        if (watchdog != null) watchdog.stop();
        // A consumer waiting for frames must not wait forever.
        buffer.end();
        if (loop.closing()) buffer.close();
        status.signal();
    }

    // ---- close ----

    /**
     * Stops capture within 2 s: the thread is asked to stop (and finishes its current read, closing the source
     * gracefully); if it has not after 1 s, the source is aborted (a command is killed). Idempotent.
     */
    @Override
    public void close() {
        if (loop.closing()) {
            joinQuietly(0);
            return;
        }
        loop.stop();
        long start = System.nanoTime();
        LockSupport.unpark(thread);
        synchronized (buffer) {
            buffer.notifyAll(); // a lossless publish waiting for the consumer
        }
        joinQuietly(CLOSE_GRACE_NANOS);
        if (thread.isAlive()) {
            source.abort();
            joinQuietly(CLOSE_LIMIT_NANOS - (System.nanoTime() - start));
        }
        if (watchdog != null) watchdog.stop();
        if (thread.isAlive()) {
            // Stuck inside native code: it frees the buffer and the source itself when the call returns.
            log.warn("camera {}: capture thread still inside a {} call after {}; left to finish on its own",
                    name, description, CameraStatus.seconds(Duration.ofNanos(System.nanoTime() - start)));
        } else {
            buffer.close();
        }
        status.signal();
    }

    private void joinQuietly(long nanos) {
        if (nanos <= 0) return;
        try {
            thread.join(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The capture thread, for tests that check its state. */
    Thread thread() {
        return thread;
    }

    /** Mats in the frame pool, for tests of steady-state allocation. */
    int pooledMats() {
        return buffer.pooled();
    }
}
