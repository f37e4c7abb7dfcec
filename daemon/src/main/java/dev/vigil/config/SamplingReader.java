package dev.vigil.config;

import dev.vigil.config.SamplingConfig.Limit;
import dev.vigil.config.SamplingConfig.Strategies;
import dev.vigil.config.SamplingConfig.Strategy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the {@code sampling:} section: the store, the device-wide limits, the strategies and their per-camera overrides. */
final class SamplingReader {

    private static final List<String> KEYS = List.of("enabled", "dir", "jpeg_quality", "max_size", "quota", "max_per_hour",
            "max_per_day", "duplicate_distance", "duplicate_window", "strategies", "cameras", "upload");
    private static final List<String> STRATEGIES = List.of("near_threshold", "flicker", "qc", "feedback", "novelty", "random");

    private SamplingReader() {}

    static SamplingConfig read(ConfigNode n, Map<String, CameraConfig> cameras) {
        SamplingConfig d = SamplingConfig.defaults(n.context().baseDir().resolve("dataset"));
        if (!n.missing()) n.mapping("sampling settings (" + String.join(", ", KEYS) + ")").allowOnly(KEYS);
        boolean enabled = n.get("enabled").bool(d.enabled());
        Path dir = n.get("dir").path(d.dir());
        int quality = n.get("jpeg_quality").integer(d.jpegQuality());
        int maxSize = n.get("max_size").integer(d.maxSize());
        long quota = n.get("quota").bytes(d.quota());
        Limit total = limit(n, d.total());
        int distance = n.get("duplicate_distance").integer(d.duplicateDistance());
        int window = n.get("duplicate_window").integer(d.duplicateWindow());
        Strategies strategies = strategies(n.get("strategies"), d.strategies());
        Map<String, Strategies> perCamera = new LinkedHashMap<>();
        for (var e : n.get("cameras").entries("camera name to {strategies: {...}}").entrySet()) {
            ConfigNode c = e.getValue();
            if (!cameras.containsKey(e.getKey())) throw c.fail("is not a camera; give one of " + String.join(", ", cameras.keySet()));
            c.mapping("a camera's sampling (strategies)").allowOnly(List.of("strategies"));
            perCamera.put(e.getKey(), strategies(c.get("strategies"), strategies));
        }
        var upload = UploadReader.read(n.get("upload"));
        return n.make(() -> new SamplingConfig(enabled, dir, quality, maxSize, quota, total, distance, window, strategies, perCamera, upload));
    }

    private static Limit limit(ConfigNode n, Limit d) {
        int hour = n.get("max_per_hour").integer(d.perHour());
        int day = n.get("max_per_day").integer(d.perDay());
        return n.make(() -> new Limit(hour, day));
    }

    /** A strategies mapping; what it leaves out is taken from {@code d}. */
    private static Strategies strategies(ConfigNode n, Strategies d) {
        if (!n.missing()) n.mapping("strategies (" + String.join(", ", STRATEGIES) + ")").allowOnly(STRATEGIES);
        ConfigNode near = section(n, "near_threshold", "band");
        ConfigNode flicker = section(n, "flicker", "frames", "of");
        ConfigNode qc = section(n, "qc", "margin");
        ConfigNode feedback = section(n, "feedback");
        ConfigNode novelty = section(n, "novelty", "max_score");
        ConfigNode random = section(n, "random", "share");
        Strategy nearS = strategy(near, d.nearThreshold());
        double band = near.get("band").number(d.band());
        Strategy flickerS = strategy(flicker, d.flicker());
        int frames = flicker.get("frames").integer(d.flickerFrames());
        int of = flicker.get("of").integer(d.flickerOf());
        Strategy qcS = strategy(qc, d.qc());
        double margin = qc.get("margin").number(d.qcMargin());
        Strategy feedbackS = strategy(feedback, d.feedback());
        Strategy noveltyS = strategy(novelty, d.novelty());
        double noveltyMax = novelty.get("max_score").number(d.noveltyMax());
        Strategy randomS = strategy(random, d.random());
        double share = random.get("share").number(d.randomShare());
        return n.make(() -> new Strategies(nearS, band, flickerS, frames, of, qcS, margin, feedbackS, noveltyS, noveltyMax, randomS, share));
    }

    private static ConfigNode section(ConfigNode parent, String name, String... own) {
        ConfigNode n = parent.get(name);
        List<String> keys = new java.util.ArrayList<>(List.of("enabled", "max_per_hour", "max_per_day"));
        keys.addAll(List.of(own));
        if (!n.missing()) n.mapping("the " + name + " strategy (" + String.join(", ", keys) + ")").allowOnly(keys);
        return n;
    }

    private static Strategy strategy(ConfigNode n, Strategy d) {
        boolean on = n.get("enabled").bool(d.enabled());
        Limit limit = limit(n, d.limit());
        return new Strategy(on, limit);
    }
}
