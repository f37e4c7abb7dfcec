package dev.vigil.config;

import dev.vigil.capture.SourceSpec;
import dev.vigil.rules.CameraRules;

/**
 * One camera: where its frames come from, what it decides, and its motion gate.
 *
 * @param name    lowercase letters, digits, '_' and '-': it is a metric tag and part of file names
 * @param enabled a disabled camera is kept in the config but not opened
 */
public record CameraConfig(String name, boolean enabled, SourceSpec source, CameraRules rules, MotionConfig motion) {

    public CameraConfig {
        Check.name("", name, "a camera", "it becomes a metric tag and a file name");
    }
}
