package dev.vigil.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Hard-example sampling ({@code sampling:}): which frames the device keeps for its dataset, how many, in what quality
 * and within what disk quota. The strategies are set once for every camera and may be overridden per camera
 * ({@code sampling.cameras.NAME.strategies}); the limits in {@code sampling:} itself hold for the whole device.
 *
 * @param dir               the dataset store (samples and their labels); see ARCHITECTURE.md for its layout
 * @param jpegQuality       1..100
 * @param maxSize           the longest side of a kept frame in pixels; a larger frame is scaled down
 * @param quota             bytes the store may hold; past it the oldest unlabelled samples go first
 * @param total             samples per hour and per day for the whole device, all strategies together
 * @param duplicateDistance a frame whose 64-bit difference hash lies within this many bits of a recent sample of the
 *                          same camera is a near duplicate and not kept; -1 keeps every frame
 * @param duplicateWindow   how many recent samples per camera a frame is compared with
 * @param strategies        every camera's strategies unless overridden
 * @param cameras           per-camera strategies (the camera names are checked against {@code cameras:})
 * @param upload            the dataset's upload to S3-compatible storage; empty: none
 */
public record SamplingConfig(boolean enabled, Path dir, int jpegQuality, int maxSize, long quota, Limit total,
                             int duplicateDistance, int duplicateWindow, Strategies strategies, Map<String, Strategies> cameras,
                             java.util.Optional<UploadConfig> upload) {

    public SamplingConfig {
        Check.within("jpeg_quality", jpegQuality, 1, 100);
        Check.within("max_size", maxSize, 16, 16384);
        Check.within("quota", quota, 1, Long.MAX_VALUE);
        Check.within("duplicate_distance", duplicateDistance, -1, 64);
        Check.within("duplicate_window", duplicateWindow, 1, 10_000);
        cameras = Map.copyOf(cameras);
    }

    /** The strategies of one camera. */
    public Strategies of(String camera) { return cameras.getOrDefault(camera, strategies); }

    /** At most {@code perHour} in any hour and {@code perDay} in any 24 hours (rolling windows). */
    public record Limit(int perHour, int perDay) {
        public Limit {
            Check.within("max_per_hour", perHour, 0, 1_000_000);
            Check.within("max_per_day", perDay, 0, 10_000_000);
        }
    }

    /** One strategy switched on or off, with its own limit. */
    public record Strategy(boolean enabled, Limit limit) {}

    /**
     * @param band           near the threshold: a score within this much of its group's min_score, either side
     * @param flickerFrames  flicker: a group seen in at least one but fewer than this many of the last {@code flickerOf}
     * @param qcMargin       a QC part whose best OK and best NG scores lie within this much of each other
     * @param noveltyMax     novelty: a frame that passed the motion gate whose best score of any class is below this
     * @param randomShare    random: this share of the analysed frames (0..1), chosen by a hash of camera and frame
     */
    public record Strategies(Strategy nearThreshold, double band, Strategy flicker, int flickerFrames, int flickerOf,
                             Strategy qc, double qcMargin, Strategy feedback, Strategy novelty, double noveltyMax,
                             Strategy random, double randomShare) {
        public Strategies {
            Check.within("near_threshold.band", band, 0, 1);
            Check.within("flicker.frames", flickerFrames, 2, 100);
            Check.within("flicker.of", flickerOf, 2, 100);
            if (flickerFrames > flickerOf) throw ConfigException.at("flicker.frames", flickerFrames + " is above of (" + flickerOf + ")");
            Check.within("qc.margin", qcMargin, 0, 1);
            Check.within("novelty.max_score", noveltyMax, 0, 1);
            Check.within("random.share", randomShare, 0, 1);
        }
    }

    private static final Limit STRATEGY_LIMIT = new Limit(20, 200);
    private static final Strategy ON = new Strategy(true, STRATEGY_LIMIT);

    public static final Strategies DEFAULT_STRATEGIES = new Strategies(ON, 0.1, ON, 3, 5, ON, 0.1, new Strategy(true, new Limit(100, 1000)),
            new Strategy(false, STRATEGY_LIMIT), 0.2, ON, 0.01);

    /** Off: nothing is sampled until {@code sampling: {enabled: true}}. */
    public static SamplingConfig defaults(Path dir) {
        return new SamplingConfig(false, dir, 90, 1920, 2L << 30, new Limit(60, 500), 6, 50, DEFAULT_STRATEGIES, Map.of(), java.util.Optional.empty());
    }
}
