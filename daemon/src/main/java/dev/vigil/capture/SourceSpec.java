package dev.vigil.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Where a camera's frames come from: a closed set, each with its own grabber. */
public sealed interface SourceSpec {

    /** A V4L2 camera, e.g. /dev/video0; width/height/fps 0 = the camera's default; pixelFormat "mjpeg", "yuyv" or null. */
    record Device(String path, int width, int height, double fps, String pixelFormat) implements SourceSpec {}

    /** rtsp:// (TCP unless transport is "udp") or http(s):// MJPEG; the timeouts bound every blocking call. */
    record Stream(String url, String transport, Duration connectTimeout, Duration readTimeout) implements SourceSpec {}

    /** A video file; fps 0 = the file's own frame rate. */
    record VideoFile(Path path, boolean loop, double fps) implements SourceSpec {}

    /** Images replayed in name order at fps. */
    record Folder(Path path, double fps, boolean loop) implements SourceSpec {}

    /** A process whose stdout is a video stream (MJPEG or anything FFmpeg probes); restarted when it exits. */
    record Command(List<String> argv, boolean restart) implements SourceSpec {}

    /** Sources that end (and let `vigil run --once` finish). */
    default boolean finite() {
        return switch (this) {
            case VideoFile f -> !f.loop();
            case Folder f -> !f.loop();
            case Command c -> !c.restart();
            default -> false;
        };
    }
}
