package dev.vigil.capture;

import java.time.Duration;

/** The one place that maps a {@link SourceSpec} to its implementation. */
public final class Sources {

    private Sources() {}

    /**
     * @param camera              the camera's name (names the command's stderr thread and log lines)
     * @param commandStallTimeout how long a command may write nothing before it is killed and restarted
     */
    public static FrameSource create(String camera, SourceSpec spec, Duration commandStallTimeout) {
        return switch (spec) {
            case SourceSpec.Stream s -> FfmpegSource.stream(s);
            case SourceSpec.VideoFile f -> FfmpegSource.file(f);
            case SourceSpec.Device d -> FfmpegSource.device(d);
            case SourceSpec.Folder f -> new FolderSource(f);
            case SourceSpec.Command c -> new CommandSource(c, camera, commandStallTimeout);
        };
    }
}
