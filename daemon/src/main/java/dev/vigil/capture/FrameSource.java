package dev.vigil.capture;

import java.io.IOException;
import java.time.Duration;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A camera's hardware seen from the capture thread: open, read frames into a caller's Mat, close. One implementation per
 * kind of {@link SourceSpec} ({@link Sources#create}); tests may hand a {@link Camera} their own. Everything except
 * {@link #abort()} is called by the capture thread only.
 */
public interface FrameSource extends AutoCloseable {

    /** Connects, starts or opens; bounded by the source's own timeouts. May be called again after {@link #close()}. */
    void open() throws IOException;

    /**
     * Reads the next frame into {@code dst} as 8-bit BGR (reallocating dst only when the size changes).
     *
     * @return the frame's source reference (see {@link Frame#sourceRef()}), or null when there are no more frames: the
     *         end of a finite source, or a live source that closed (the camera then reconnects)
     * @throws CorruptFrameException for one frame that could not be decoded; the source stays open
     * @throws IOException when the connection is lost
     */
    String read(Mat dst) throws IOException;

    /** Frames per second the camera should replay at (files, folders); 0 for live sources, which pace themselves. */
    double pace();

    /** True if the source ends on its own (a file or folder without loop, a command without restart). */
    boolean finite();

    /**
     * The longest one {@link #open()} or {@link #read} call may block before the watchdog calls {@link #abort()}, or null
     * where a call cannot hang (local files).
     */
    Duration stallLimit();

    /**
     * Unblocks a stuck open/read where the source can (a command is killed); called from the watchdog or from
     * {@link Camera#close()} while the capture thread may be inside a call. Thread-safe; native state stays owned by
     * the capture thread, which closes it once the call returns.
     */
    void abort();

    /** Short description for logs, credentials redacted. */
    String describe();

    /** Frees everything opened by {@link #open()}; idempotent. */
    @Override
    void close();

    /**
     * Whether a long run of undecodable frames is a reason to open the source again (a stream joined mid-GOP), or
     * each frame stands alone (a folder's files: reopening would only start the folder over).
     */
    default boolean reopenAfterUndecodable() {
        return true;
    }

    /**
     * A cheap check that {@link #open()} has a chance now (a TCP connect to a stream's host, the device node or folder
     * exists), asked by the capture thread while the source is down: after a long outage the camera opens again within
     * one probe period of the source's return, instead of after a backoff delay grown to half a minute. Must return
     * within about a second. The default answers yes: the backoff alone paces the opens.
     */
    default boolean reachable() {
        return true;
    }

    /** One frame that could not be decoded: counted and skipped. */
    final class CorruptFrameException extends IOException {
        public CorruptFrameException(String message) {
            super(message);
        }
    }
}
