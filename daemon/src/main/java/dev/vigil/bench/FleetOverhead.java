package dev.vigil.bench;

import dev.vigil.pipeline.Analyzer;
import dev.vigil.pipeline.ModelSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * What being on a fleet costs the frame path: the pipeline bench with MQTT and webhooks off (A) and on (B), the legs in
 * the order A B B A so that a steady drift of a shared machine weighs on both sides alike. The noise of a figure is its
 * spread across the two A legs: the same daemon measured twice; a difference within it is no difference.
 */
public final class FleetOverhead {

    /** The legs' order: off, on, on, off. */
    static final List<Boolean> ORDER = List.of(false, true, true, false);

    /**
     * One leg.
     *
     * @param fleet              MQTT and the webhook on
     * @param subscriberMessages what the subscriber on {@code #} got while the daemon ran (0 with the fleet off)
     * @param webhookPosts       what the webhook sink took while the daemon ran (0 with the fleet off or a webhook of the user's)
     */
    public record Leg(boolean fleet, PipelineBench.Result result, long subscriberMessages, long webhookPosts) {

        public double fps() { return result.totalProcessedFps(); }

        /** Capture to decision (rules done: the moment a relay is switched), the median, averaged over the cameras. */
        public double latencyP50Ms() { return result.cameras().stream().mapToDouble(PipelineBench.CameraResult::latencyP50Ms).average().orElse(Double.NaN); }

        public double latencyP99Ms() { return result.cameras().stream().mapToDouble(PipelineBench.CameraResult::latencyP99Ms).average().orElse(Double.NaN); }
    }

    /**
     * A figure with the fleet off and on (means over the legs of each side), its noise (the spread of the off legs) and
     * the spread of the on legs: an on side that disagrees with itself more than with the off side was measured on a
     * machine busy with something else.
     */
    public record Comparison(double off, double on, double noise, double onSpread) {

        public double difference() { return on - off; }

        public double differencePercent() { return difference() / off * 100; }

        public boolean withinNoise() { return Math.abs(difference()) <= noise; }

        static Comparison of(List<Leg> legs, ToDoubleFunction<Leg> figure) {
            double[] off = legs.stream().filter(l -> !l.fleet()).mapToDouble(figure).toArray();
            double[] on = legs.stream().filter(Leg::fleet).mapToDouble(figure).toArray();
            return new Comparison(mean(off), mean(on), spread(off), spread(on));
        }

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

    /** The four legs of {@code duration} each, after one engine-limit measurement. */
    public static Result run(ModelSpec spec, Analyzer.Options options, List<Mat> frames, int cameras, double cameraFps,
                             Duration duration, Duration warmup, Fleet fleet, PipelineBench.Progress progress) throws Exception {
        progress.line("engine alone...");
        double engineLimit = PipelineBench.engineLimit(spec, options, frames);
        List<Leg> legs = new ArrayList<>();
        for (int i = 0; i < ORDER.size(); i++) {
            boolean on = ORDER.get(i);
            long[] got = new long[2];
            PipelineBench.Instrument instrument = on ? new PipelineBench.Instrument() {
                @Override
                public dev.vigil.daemon.Wiring.Parts parts(dev.vigil.daemon.Wiring.Parts p) { return p; }

                @Override
                public String config() { return fleet.config(); }

                @Override
                public AutoCloseable started(dev.vigil.daemon.Vigil vigil) {
                    long m0 = fleet.messages(), p0 = fleet.posts();
                    return () -> {
                        got[0] = fleet.messages() - m0;
                        got[1] = fleet.posts() - p0;
                    };
                }
            } : null;
            String name = "leg " + (i + 1) + " of " + ORDER.size() + " (" + (on ? "B, fleet on" : "A, fleet off") + "): ";
            PipelineBench.Result r = PipelineBench.run(spec, options, frames, cameras, cameraFps, duration, warmup, instrument, engineLimit,
                    line -> progress.line(name + line));
            legs.add(new Leg(on, r, got[0], got[1]));
        }
        return new Result(legs);
    }
}
