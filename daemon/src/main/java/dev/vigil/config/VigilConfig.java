package dev.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's whole configuration, checked. Built only by {@link ConfigLoader}: a later section (gpio, mqtt, ...)
 * is one more component here, a record of its own and a reader in the loader; no other code calls this constructor.
 *
 * @param file    the file it was read from; empty for the embedded demo or text parsed directly
 * @param cameras by name, in file order
 * @param gpio    outputs, inputs, alarms and QC stations; {@link GpioConfig#NONE} without a gpio: section
 * @param power   power sensor choice and the estimate's watts (observability)
 * @param logging log level, format and optional file (observability)
 */
public record VigilConfig(Optional<Path> file, InferenceConfig inference, HttpConfig http, EventsConfig events,
                          Map<String, CameraConfig> cameras, GpioConfig gpio, PowerConfig power, LoggingConfig logging) {

    public List<CameraConfig> enabledCameras() {
        return cameras.values().stream().filter(CameraConfig::enabled).toList();
    }
}
