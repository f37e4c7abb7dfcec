package dev.vigil.bench;

import dev.vigil.inference.Delegate;
import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.TfliteEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Raw invoke time of several engine configurations of one model, measured interleaved in the same process: rounds
 * of a few invokes each, configuration after configuration, so that load from elsewhere on the machine (a shared
 * 2-core board, a noisy VM host) hits every configuration alike. The input is the same frame for all.
 */
public final class DelegateComparison {

    public record Config(Delegate delegate, int threads, int xnnpackFlags) {
        public static Config parse(String s) {
            String[] p = s.split(":");
            int threads = p.length > 1 ? Integer.parseInt(p[1]) : 2;
            int flags = p.length > 2 ? Integer.decode(p[2]) : -1;
            return new Config(Delegate.parse(p[0]), threads, flags);
        }

        EngineOptions options() {
            return new EngineOptions(threads, delegate, null, null, xnnpackFlags);
        }
    }

    public record Result(Config config, String delegate, String graph, int invokes, double meanMs, double medianMs,
                         double p10Ms, double p90Ms) {}

    private DelegateComparison() {}

    public static List<Result> run(Path model, List<Config> configs, int rounds, int perRound) {
        List<TfliteEngine> engines = new ArrayList<>();
        try {
            for (Config c : configs) engines.add(TfliteEngine.open(model, c.options()));
            for (TfliteEngine e : engines) for (int i = 0; i < 20; i++) e.invoke(); // warm-up
            long[][] times = new long[engines.size()][rounds * perRound];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < engines.size(); k++) {
                    TfliteEngine e = engines.get(k);
                    for (int i = 0; i < perRound; i++) {
                        long t0 = System.nanoTime();
                        e.invoke();
                        times[k][r * perRound + i] = System.nanoTime() - t0;
                    }
                }
            }
            List<Result> out = new ArrayList<>();
            for (int k = 0; k < engines.size(); k++) {
                long[] t = times[k];
                double mean = Arrays.stream(t).average().orElse(0) / 1e6;
                Arrays.sort(t);
                out.add(new Result(configs.get(k), engines.get(k).delegate(), engines.get(k).graphSummary(), t.length, mean,
                        t[t.length / 2] / 1e6, t[t.length / 10] / 1e6, t[t.length * 9 / 10] / 1e6));
            }
            return out;
        } finally {
            for (TfliteEngine e : engines) e.close();
        }
    }
}
