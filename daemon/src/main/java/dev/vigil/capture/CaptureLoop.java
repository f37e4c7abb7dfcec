package dev.vigil.capture;

import dev.vigil.time.TimeSource;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.vigil.capture.CameraStatus.seconds;

/**
 * What a camera's capture thread runs: open the source, read frames into the buffer (paced for a replayed file),
 * and after a failure wait with backoff and open it again, until the camera closes or a finite source ends. The source
 * and its native objects belong to this thread, which opens and closes them.
 */
final class CaptureLoop implements Runnable {

    // Logged as the camera: operators filter on dev.vigil.capture.Camera.
    private static final Logger log = LoggerFactory.getLogger(Camera.class);
    /**
     * How long a source may deliver only undecodable frames before it is reopened. Time, not a count: a camera joined
     * mid-GOP legitimately fails to decode until its next keyframe, seconds away at 25 fps.
     */
    static final long MAX_UNDECODABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final FrameSource source;
    private final Camera.Options options;
    private final FrameBuffer buffer;
    private final CameraStatus status;
    private final Backoff backoff;
    private final TimeSource time;
    /** Runs last on the capture thread, however it ends (an Error included). */
    private final Runnable onExit;

    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private volatile boolean closing;
    /** The time source's nanos when the capture thread entered open() or read(), 0 when it is not inside one. */
    private volatile long busySince;
    private boolean warnedCorrupt;
    private boolean loggedError;

    CaptureLoop(String name, FrameSource source, Camera.Options options, FrameBuffer buffer, CameraStatus status,
                Runnable onExit) {
        this.name = name;
        this.source = source;
        this.options = options;
        this.buffer = buffer;
        this.status = status;
        this.onExit = onExit;
        this.backoff = new Backoff(options.backoffBase(), options.backoffMax(), options.jitter() == null ? new Random() : options.jitter());
        this.time = options.time();
    }

    long reconnects() {
        return reconnects.get();
    }

    long decodeErrors() {
        return decodeErrors.get();
    }

    /** See {@link #busySince}: read by the watchdog and by {@link Camera#blockedFor()}. */
    long busySince() {
        return busySince;
    }

    boolean closing() {
        return closing;
    }

    /** Asks the loop to stop; the caller unparks the thread. */
    void stop() {
        closing = true;
    }

    @Override
    public void run() {
        try {
            boolean first = true;
            while (!closing) {
                if (!first) reconnects.incrementAndGet();
                first = false;
                status.set(CameraState.CONNECTING, null);
                String failure;
                try {
                    failure = session();
                } catch (RuntimeException e) {
                    // A bug, not a camera problem: say so loudly, and keep the camera (and the daemon) going.
                    log.error("camera {}: capture failed", name, e);
                    failure = "capture failed: " + message(e);
                } catch (Error e) {
                    // Native code that cannot load (a missing .so), an exhausted heap: the thread must not die with the
                    // camera left CONNECTING. Reported DOWN with the reason and retried with the backoff, which grows
                    // to its maximum while it keeps failing: no spinning. The trace once; the DOWN line says the rest.
                    failure = "capture failed: " + Redact.text(NativeError.reason(null, e));
                    if (!loggedError) {
                        loggedError = true;
                        log.error("camera {}: {}", name, failure, e);
                    }
                }
                if (closing) break;
                if (failure == null) { // a finite source delivered everything
                    status.set(CameraState.ENDED, null);
                    break;
                }
                if (source.finite()) {
                    // A file, folder or one-shot command that failed will not get better by retrying.
                    status.set(CameraState.ENDED, failure);
                    break;
                }
                awaitRetry(failure);
            }
        } catch (Throwable t) {
            // Only a fault of this loop itself gets here (the status listener threw an Error): say it before dying.
            log.error("camera {}: capture thread failed", name, t);
            status.set(CameraState.DOWN, "capture thread failed: " + NativeError.reason(null, t));
            throw t;
        } finally {
            source.close();
            onExit.run();
        }
    }

    /**
     * Waits before the next open: the backoff delay, then until the source answers its cheap probe, asked every probe
     * period. The backoff protects a source that answers but fails to open (an RTSP server whose stream is not ready);
     * one that does not answer costs nothing to ask, so a camera is back within a probe period of its source's return
     * however long it was gone, where a backoff grown to 30 s made it 9-13 s late. A source that stopped answering
     * starts its backoff over: its return is a new start, not another failure of the same server.
     */
    private void awaitRetry(String failure) {
        Duration delay = backoff.next();
        status.set(CameraState.DOWN, failure + "; retry in " + seconds(delay));
        sleep(delay);
        long period = options.probePeriod().toNanos();
        boolean told = false;
        while (!closing) {
            long asked = time.nanoTime();
            if (reachable()) return;
            if (!told) {
                told = true;
                backoff.reset();
                status.set(CameraState.DOWN, failure + "; probing every " + seconds(options.probePeriod()) + " until it answers");
            }
            sleepUntil(asked + period);
        }
    }

    private boolean reachable() {
        try {
            return source.reachable();
        } catch (RuntimeException e) {
            log.debug("camera {}: probe failed: {}", name, e.toString());
            return true; // a broken probe must not keep the camera down: the open decides
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
        } catch (LinkageError e) {
            // Natives that cannot load (UnsatisfiedLinkError, NoClassDefFoundError after a failed static init).
            source.close();
            String reason = "cannot open: " + Redact.text(NativeError.reason("natives", e));
            if (!loggedError) {
                loggedError = true;
                log.error("camera {}: {}", name, reason, e);
            }
            return reason;
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
                    if (source.reopenAfterUndecodable() && time.nanoTime() - lastGood > MAX_UNDECODABLE_NANOS)
                        return "nothing decodable for " + seconds(Duration.ofNanos(time.nanoTime() - lastGood)) + ": " + Redact.text(message(e));
                    continue;
                } catch (Exception e) {
                    buffer.giveBack(mat);
                    return Redact.text(message(e));
                } catch (Error e) {
                    buffer.giveBack(mat); // the pool keeps its Mat; run() reports the camera down
                    throw e;
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
                if (status.current() != CameraState.UP) status.set(CameraState.UP, null);
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
}
