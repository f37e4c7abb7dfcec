package dev.vigil.gpio;

import dev.vigil.metrics.LatencyLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Capture-to-output latency: from {@code Frame.captureNanos()} of the frame that fired to the moment the output's pin
 * was written on. One sample per action that switched an output on. The metrics stage subscribes with
 * {@link #addListener} (a histogram per camera and output); {@link #log} keeps the recent samples for status and tests.
 */
public final class AlarmLatency {

    /** One sample: camera, output, seconds as nanoseconds. */
    public record Sample(String camera, String output, long nanos) {}

    @FunctionalInterface
    public interface Listener {
        /** Called on the GPIO thread right after the pin changed: be quick. */
        void sample(Sample s);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, LatencyLog> byOutput = new ConcurrentHashMap<>();
    private final LatencyLog all = new LatencyLog(4096);

    public void addListener(Listener l) { listeners.add(l); }

    void record(String camera, String output, long nanos) {
        all.record(nanos);
        byOutput.computeIfAbsent(output, k -> new LatencyLog(1024)).record(nanos);
        Sample s = new Sample(camera, output, nanos);
        for (Listener l : listeners) {
            try {
                l.sample(s);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AlarmLatency.class).warn("latency listener failed: {}", e.toString());
            }
        }
    }

    /** Every output's recent samples together. */
    public LatencyLog log() { return all; }

    /** One output's recent samples, or null before its first. */
    public LatencyLog log(String output) { return byOutput.get(output); }
}
