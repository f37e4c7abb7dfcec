package dev.vigil.capture;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured camera: a platform thread ({@code capture-<name>}) reads its source as fast as the source delivers and
 * keeps only the newest frame, so a slow consumer never builds a backlog. A source that fails is reopened with
 * exponential backoff; a finite one ends. The consumer takes frames with {@link #poll()} or {@link #acquire} and gives
 * them back with {@link #release}.
 *
 * <p>The source and its native objects belong to the capture thread, which opens and closes them; the frame Mats belong
 * to the camera's buffer and are freed by {@link #close()} (or by the capture thread, if close() had to give up waiting
 * for it).
 */
public final class Camera implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Camera.class);
    /**
     * How long a source may deliver only undecodable frames before it is reopened. Time, not a count: a camera joined
     * mid-GOP legitimately fails to decode until its next keyframe, seconds away at 25 fps.
     */
    static final long MAX_UNDECODABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
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
     */
    public record Options(Duration backoffBase, Duration backoffMax, Duration commandStallTimeout, boolean lossless,
                          boolean realtime, FrameSignal signal, Listener listener, TimeSource time, RandomGenerator jitter) {

        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10), false, true, null, null,
                    TimeSource.system(), null);
        }

        public Options withBackoff(Duration base, Duration max) {
            return new Options(base, max, commandStallTimeout, lossless, realtime, signal, listener, time, jitter);
        }

        public Options withCommandStallTimeout(Duration d) {
            return new Options(backoffBase, backoffMax, d, lossless, realtime, signal, listener, time, jitter);
        }

        public Options withLossless(boolean l) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, l, realtime, signal, listener, time, jitter);
        }

        public Options withRealtime(boolean r) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, r, signal, listener, time, jitter);
        }

        public Options withSignal(FrameSignal s) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, s, listener, time, jitter);
        }

        public Options withListener(Listener l) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, signal, l, time, jitter);
        }

        public Options withTime(TimeSource t, RandomGenerator j) {
            return new Options(backoffBase, backoffMax, commandStallTimeout, lossless, realtime, signal, listener, t, j);
        }
    }

    private final String name;
    private final FrameSource source;
    private final String description;
    private final Options options;
    private final FrameBuffer buffer;
    private final Backoff backoff;
    private final TimeSource time;
    private final Thread thread;
    private final ScheduledFuture<?> watch;

    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    /** Null until the capture thread reports its first CONNECTING. */
    private volatile CameraState state;
    private volatile boolean closing;
    /** The time source's nanos when the capture thread entered open() or read(), 0 when it is not inside one. */
    private volatile long busySince;
    /** The busySince of the call the watchdog last aborted (watchdog thread only). */
    private long abortedCall;
    private String lastDownReason;
    private boolean warnedCorrupt;

    private Camera(String name, FrameSource source, Options options) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.options = options;
        this.description = source.describe();
        FrameSignal signal = options.signal();
        this.buffer = new FrameBuffer(name, options.lossless(), signal == null ? () -> {} : signal::signal);
        this.backoff = new Backoff(options.backoffBase(), options.backoffMax(), options.jitter() == null ? new Random() : options.jitter());
        this.time = options.time();
        this.thread = Thread.ofPlatform().name("capture-" + name).daemon().unstarted(this::run);
        this.watch = source.stallLimit() == null ? null
                : Watchdog.EXECUTOR.scheduleWithFixedDelay(this::checkStall, 200, 200, TimeUnit.MILLISECONDS);
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
        CameraState s = state;
        return s == null ? CameraState.CONNECTING : s;
    }

    /** True once a finite source has ended and its last frame was taken: nothing more will come. */
    public boolean ended() {
        return buffer.drained();
    }

    public CameraStats stats() {
        synchronized (buffer) {
            return new CameraStats(name, state(), buffer.captured, buffer.delivered, buffer.dropped, reconnects.get(),
                    decodeErrors.get());
        }
    }

    /**
     * How long the capture thread has been inside its current open or read call (zero when it is not in one): a
     * health figure, and what the tests check to show no call outlives its timeout.
     */
    public Duration blockedFor() {
        long since = busySince;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(time.nanoTime() - since);
    }

    /** False once the capture thread has ended other than by close() or a finite source's end (an Error killed it). */
    public boolean captureAlive() {
        return thread.isAlive() || closing || state == CameraState.ENDED;
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

    // ---- capture thread ----

    private void run() {
        try {
            while (!closing) {
                setState(CameraState.CONNECTING, null);
                String failure;
                try {
                    failure = session();
                } catch (RuntimeException e) {
                    // A bug, not a camera problem: say so loudly, and keep the camera (and the daemon) going.
                    log.error("camera {}: capture failed", name, e);
                    failure = "capture failed: " + message(e);
                }
                if (closing) break;
                if (failure == null) { // a finite source delivered everything
                    setState(CameraState.ENDED, null);
                    break;
                }
                if (source.finite()) {
                    // A file, folder or one-shot command that failed will not get better by retrying.
                    setState(CameraState.ENDED, failure);
                    break;
                }
                Duration delay = backoff.next();
                setState(CameraState.DOWN, failure + "; retry in " + seconds(delay));
                sleep(delay);
                if (!closing) reconnects.incrementAndGet();
            }
        } finally {
            source.close();
            if (watch != null) watch.cancel(false);
            // Whatever ended the thread (an Error included), a consumer waiting for frames must not wait forever.
            buffer.end();
            if (closing) buffer.close();
            signal();
        }
    }

    /**
     * One open-read-close cycle. Returns null when a finite source ended, else the reason it stopped.
     */
    private String session() {
        try {
            busySince = time.nanoTime();
            try {
                source.open();
            } finally {
                busySince = 0;
            }
        } catch (Exception e) {
            source.close();
            return "cannot open: " + Redact.text(message(e));
        }
        if (closing) return "closed";
        boolean up = false;
        long lastGood = time.nanoTime();
        double fps = options.realtime() ? source.pace() : 0;
        long period = fps > 0 ? (long) (1e9 / fps) : 0;
        long due = time.nanoTime();
        try {
            while (!closing) {
                if (period > 0) {
                    sleepUntil(due);
                    if (closing) break;
                    long now = time.nanoTime();
                    // Fell behind by more than a frame (a slow disk, a GC): restart the clock instead of bursting.
                    due = now - due > period ? now + period : due + period;
                }
                Mat mat = buffer.writable();
                String ref;
                long grabbed;
                busySince = time.nanoTime();
                try {
                    ref = source.read(mat);
                    grabbed = time.nanoTime();
                } catch (FrameSource.CorruptFrameException e) {
                    buffer.giveBack(mat);
                    decodeErrors.incrementAndGet();
                    if (!warnedCorrupt) {
                        warnedCorrupt = true;
                        log.warn("camera {}: {} (skipped; further decode errors are counted, logged at debug)", name, Redact.text(e.getMessage()));
                    } else {
                        log.debug("camera {}: {}", name, Redact.text(e.getMessage()));
                    }
                    if (time.nanoTime() - lastGood > MAX_UNDECODABLE_NANOS)
                        return "nothing decodable for " + seconds(Duration.ofNanos(time.nanoTime() - lastGood)) + ": " + Redact.text(message(e));
                    continue;
                } catch (Exception e) {
                    buffer.giveBack(mat);
                    return Redact.text(message(e));
                } finally {
                    busySince = 0;
                }
                if (ref == null) {
                    buffer.giveBack(mat);
                    if (source.finite()) return null;
                    return "stream ended";
                }
                lastGood = grabbed;
                buffer.publish(mat, grabbed, time.clock().instant(), ref, () -> closing);
                if (!up) {
                    up = true;
                    backoff.reset();
                }
                // Also after the watchdog reported a long stall that then recovered on its own.
                if (state != CameraState.UP) setState(CameraState.UP, null);
            }
            return "closed";
        } catch (InterruptedException e) {
            return "interrupted";
        } finally {
            source.close();
        }
    }

    /** One line: OpenCV's messages span several. */
    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private void sleep(Duration d) {
        sleepUntil(time.nanoTime() + d.toNanos());
    }

    /** Parks until the deadline or close(); unpark rather than interrupt, which JavaCV's grabber reacts to. */
    private void sleepUntil(long deadline) {
        time.parkUntil(deadline, () -> closing);
    }

    // ---- state ----

    private void setState(CameraState to, String reason) {
        CameraState from;
        synchronized (this) {
            from = state;
            if (from == CameraState.ENDED || from == to && to != CameraState.DOWN) return;
            state = to;
            logChange(from, to, reason);
        }
        Listener l = options.listener();
        if (l != null) {
            try {
                l.changed(this, from, to, reason);
            } catch (RuntimeException e) {
                log.warn("camera {}: state listener failed", name, e);
            }
        }
        signal();
    }

    /** One line per change: {@code camera door: DOWN (rtsp://user:***@door/live): Connection refused; retry in 1.0 s}. */
    private void logChange(CameraState from, CameraState to, String reason) {
        String line = "camera " + name + ": " + to + " (" + description + ")" + (reason == null ? "" : ": " + reason);
        // A camera that stays down retries for hours: its first failure (and any new reason) is worth a line at
        // warn, the identical CONNECTING/DOWN pairs after it go to debug.
        String why = reason == null ? null : reason.replaceFirst("; retry in .*$", "");
        boolean repeat = to == CameraState.CONNECTING && from == CameraState.DOWN
                || to == CameraState.DOWN && Objects.equals(why, lastDownReason);
        if (to == CameraState.DOWN) lastDownReason = why;
        if (to == CameraState.UP) lastDownReason = null;
        if (repeat) log.debug(line);
        else if (to == CameraState.DOWN || to == CameraState.ENDED && reason != null) log.warn(line);
        else log.info(line);
    }

    private void signal() {
        FrameSignal s = options.signal();
        if (s != null) s.signal();
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1e3);
    }

    // ---- watchdog ----

    private void checkStall() {
        long since = busySince;
        Duration limit = source.stallLimit();
        if (since == 0 || limit == null || since == abortedCall) return;
        long stuck = time.nanoTime() - since;
        if (stuck > limit.toNanos()) {
            abortedCall = since;
            setState(CameraState.DOWN, "no data within " + seconds(limit) + ", aborting");
            source.abort();
        }
    }

    /** One daemon thread for all cameras; it only reads volatile fields and calls abort(). */
    private static final class Watchdog {
        static final ScheduledExecutorService EXECUTOR;

        static {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().name("capture-watchdog").daemon().factory());
            e.setRemoveOnCancelPolicy(true);
            EXECUTOR = e;
        }
    }

    // ---- close ----

    /**
     * Stops capture within 2 s: the thread is asked to stop (and finishes its current read, closing the source
     * gracefully); if it has not after 1 s, the source is aborted (a command is killed). Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            joinQuietly(0);
            return;
        }
        closing = true;
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
        if (watch != null) watch.cancel(false);
        if (thread.isAlive()) {
            // Stuck inside native code: it frees the buffer and the source itself when the call returns.
            log.warn("camera {}: capture thread still inside a {} call after {}; left to finish on its own",
                    name, description, seconds(Duration.ofNanos(System.nanoTime() - start)));
        } else {
            buffer.close();
        }
        signal();
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
