package dev.vigil.bench;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What being on a fleet (or sampling for the dataset) costs the frame path: the pipeline bench with MQTT and webhooks
 * (and/or sampling) off (A) and on (B), the legs in
 * the order A B B A so that a steady drift of a shared machine weighs on both sides alike. The noise of a figure is its
 * spread across the two A legs: the same daemon measured twice; a difference within it is no difference.
 */
public final class FleetOverhead {

    /** The legs' order: off, on, on, off. */
    static final List<Boolean> ORDER = List.of(false, true, true, false);

    /**
     * One leg.
     *
     * @param fleet              the B side: MQTT and the webhook on, and/or sampling
     * @param subscriberMessages what the subscriber on {@code #} got while the daemon ran (0 with the fleet off)
     * @param webhookPosts       what the webhook sink took while the daemon ran (0 with the fleet off or a webhook of the user's)
     * @param samplesKept        samples the sampler wrote to its store during the leg (0 without {@code --with-sampling})
     */
    public record Leg(boolean fleet, PipelineBench.Result result, long subscriberMessages, long webhookPosts, long samplesKept) {

        public double fps() { return result.totalProcessedFps(); }

        /** Capture to decision (rules done: the moment a relay is switched), the median, averaged over the cameras. */
        public double latencyP50Ms() { return result.cameras().stream().mapToDouble(PipelineBench.CameraResult::latencyP50Ms).average().orElse(Double.NaN); }

        public double latencyP99Ms() { return result.cameras().stream().mapToDouble(PipelineBench.CameraResult::latencyP99Ms).average().orElse(Double.NaN); }
    }

    /**
     * A figure with the fleet off and on (means over the legs of each side), its noise (the spread of the off legs) and
     * the spread of the on legs: an on side that disagrees with itself more than with the off side was measured on a
     * machine busy with something else. With several A B B A blocks, {@code ci95} is the half-width of the 95% confidence
     * interval of the difference from the blocks' own differences (Student's t; NaN with one block): then "within noise"
     * means that interval holds 0.
     */
    public record Comparison(double off, double on, double noise, double onSpread, int blocks, double ci95) {

        public double difference() { return on - off; }

        public double differencePercent() { return difference() / off * 100; }

        public boolean withinNoise() { return blocks > 1 ? Math.abs(difference()) <= ci95 : Math.abs(difference()) <= noise; }

        static Comparison of(List<Leg> legs, ToDoubleFunction<Leg> figure) {
            double[] off = legs.stream().filter(l -> !l.fleet()).mapToDouble(figure).toArray();
            double[] on = legs.stream().filter(Leg::fleet).mapToDouble(figure).toArray();
            int blocks = legs.size() / ORDER.size();
            double ci = Double.NaN;
            if (blocks > 1 && legs.size() == blocks * ORDER.size()) {
                double[] d = new double[blocks];
                for (int b = 0; b < blocks; b++) {
                    List<Leg> block = legs.subList(b * ORDER.size(), (b + 1) * ORDER.size());
                    d[b] = mean(block.stream().filter(Leg::fleet).mapToDouble(figure).toArray())
                            - mean(block.stream().filter(l -> !l.fleet()).mapToDouble(figure).toArray());
                }
                double m = mean(d), ss = 0;
                for (double x : d) ss += (x - m) * (x - m);
                ci = T95[Math.min(blocks - 1, T95.length - 1)] * Math.sqrt(ss / (blocks - 1)) / Math.sqrt(blocks);
            }
            return new Comparison(mean(off), mean(on), spread(off), spread(on), Math.max(1, blocks), ci);
        }

        /** Student's t at 97.5% by degrees of freedom (index; 0 unused), then the normal's 1.96. */
        private static final double[] T95 = {Double.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 1.96};

        private static double spread(double[] v) {
            return java.util.Arrays.stream(v).max().orElse(Double.NaN) - java.util.Arrays.stream(v).min().orElse(Double.NaN);
        }

        private static double mean(double[] v) {
            return java.util.Arrays.stream(v).average().orElse(Double.NaN);
        }
    }

    public record Result(List<Leg> legs) {
        public Result {
            legs = List.copyOf(legs);
            if (legs.stream().noneMatch(Leg::fleet) || legs.stream().allMatch(Leg::fleet))
                throw new IllegalArgumentException("a comparison needs legs with the fleet off and on");
        }

        public Comparison fps() { return Comparison.of(legs, Leg::fps); }

        public Comparison latencyP50Ms() { return Comparison.of(legs, Leg::latencyP50Ms); }

        public Comparison latencyP99Ms() { return Comparison.of(legs, Leg::latencyP99Ms); }

        /** CPU time of the process per frame: what the fleet costs a frame, however busy the machine is with other work. */
        public Comparison cpuMsPerFrame() { return Comparison.of(legs, l -> l.result().cpuMsPerFrame()); }
    }

    private FleetOverhead() {}

    /**
     * {@code blocks} times the four legs of {@code duration} each, after one engine-limit measurement.
     *
     * @param fleet    what the B legs talk to (a fleet with neither MQTT nor a webhook adds nothing)
     * @param sampling sampling in the B legs, or null
     */
    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, int blocks, Fleet fleet, SamplingOn sampling,
                             PipelineBench.Progress progress) throws Exception {
        String side = (fleet.mqtt() || fleet.webhook() ? "fleet" : "") + (sampling == null ? "" : (fleet.mqtt() || fleet.webhook() ? " and " : "") + "sampling");
        progress.line("engine alone...");
        double engineLimit = PipelineBench.engineLimit(spec, options, frames);
        List<Leg> legs = new ArrayList<>();
        int total = blocks * ORDER.size();
        for (int i = 0; i < total; i++) {
            boolean on = ORDER.get(i % ORDER.size());
            long[] got = new long[3];
            PipelineBench.Instrument instrument = on ? new PipelineBench.Instrument() {
                @Override
                public dev.vigil.daemon.Wiring.Parts parts(dev.vigil.daemon.Wiring.Parts p) { return p; }

                @Override
                public String config() { return fleet.config() + (sampling == null ? "" : sampling.config()); }

                @Override
                public AutoCloseable started(dev.vigil.daemon.Vigil vigil) {
                    long m0 = fleet.messages(), p0 = fleet.posts(), s0 = sampling == null ? 0 : sampling.kept();
                    return () -> {
                        got[0] = fleet.messages() - m0;
                        got[1] = fleet.posts() - p0;
                        got[2] = sampling == null ? 0 : sampling.kept() - s0;
                    };
                }
            } : null;
            String name = "leg " + (i + 1) + " of " + total + " (" + (on ? "B, " + side + " on" : "A, " + side + " off") + "): ";
            PipelineBench.Result r = PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, instrument, engineLimit,
                    line -> progress.line(name + line));
            legs.add(new Leg(on, r, got[0], got[1], got[2]));
        }
        return new Result(legs);
    }
}
