package dev.vigil.pipeline;

/**
 * Which model produced a result: its catalog (or file) name and the sha256 of its file.
 *
 * @param sha256 64 hex digits, or "unknown" when the file could not be read
 */
public record ModelId(String name, String sha256, String delegate) {

    /** The first 12 hex digits: enough to tell two models apart in a log line, an event or an MQTT message. */
    public String shortSha() { return sha256.length() > 12 ? sha256.substring(0, 12) : sha256; }
}
