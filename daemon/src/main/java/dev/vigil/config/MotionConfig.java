package dev.vigil.config;

/**
 * The per-camera motion gate: frames in which too little changed skip inference.
 *
 * @param threshold  a pixel counts as changed when its grey value differs by at least this much (1..255)
 * @param minArea    the changed pixels must cover at least this fraction of the frame (0..1)
 * @param scaleWidth frames are compared at this width (16..4096; height follows the aspect ratio), which also smooths noise
 */
public record MotionConfig(boolean enabled, int threshold, float minArea, int scaleWidth) {

    public static final MotionConfig OFF = new MotionConfig(false, 25, 0.01f, 320);

    public MotionConfig {
        Check.within("threshold", threshold, 1, 255);
        Check.within("min_area", minArea, 0, 1);
        Check.within("scale_width", scaleWidth, 16, 4096);
    }
}
