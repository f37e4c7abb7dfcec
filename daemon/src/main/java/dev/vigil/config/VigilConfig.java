package dev.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's whole configuration, checked. Built only by {@link ConfigLoader}: a later section (mqtt, ...) is one
 * more component here, a record of its own and a reader in the loader; no other code calls this constructor.
 *
 * @param file     the file it was read from; empty for the embedded demo or text parsed directly
 * @param cameras  by name, in file order
 * @param alarm    the alarm state machine's groups and timing; {@link AlarmConfig#DEFAULT} without an alarm: section
 * @param qc       quality-control stations by camera name; empty without a qc: section
 * @param gpio     outputs, inputs, heartbeat and actions; {@link GpioConfig#NONE} without a gpio: section
 * @param power    power sensor choice and the estimate's watts (observability)
 * @param logging  log level, format and optional file (observability)
 * @param mqtt     the MQTT output and Home Assistant discovery; empty without an mqtt: section
 * @param webhooks where to POST events and QC verdicts; empty without a webhooks: section
 * @param drift    the uncertain band of the drift meters; {@link DriftConfig#DEFAULT} without a drift: section
 * @param sampling which frames are kept for the dataset; off ({@link SamplingConfig#defaults}) without a sampling: section
 * @param warnings one line each for what still works but should change (a deprecated key and its new place);
 *                 the loader logs none of them: {@code run} logs them once logging is set up, {@code check-config}
 *                 prints them
 * @param effective the configuration as it was read, in the file's shape, every default filled in and credentials
 *                 masked (what {@code check-config --print} shows, see {@link ConfigLoader#toYaml}); it reads back to
 *                 the same configuration
 */
public record VigilConfig(Optional<Path> file, InferenceConfig inference, HttpConfig http, EventsConfig events,
                          Map<String, CameraConfig> cameras, AlarmConfig alarm, Map<String, QcConfig> qc, GpioConfig gpio,
                          PowerConfig power, LoggingConfig logging, Optional<MqttConfig> mqtt, List<WebhookConfig> webhooks,
                          DriftConfig drift, SamplingConfig sampling,
                          List<String> warnings,
                          String effective) {

    public List<CameraConfig> enabledCameras() {
        return cameras.values().stream().filter(CameraConfig::enabled).toList();
    }
}
