package dev.vigil.consumer;

import dev.vigil.capture.Frame;
import dev.vigil.pipeline.FrameOutcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Hands every frame's outcome to the consumers, each through its own bounded queue. Called on the inference thread
 * after the decision stage: it copies the frame's pixels once when a consumer asks for them, offers the outcome to each
 * queue and returns; it never waits for a consumer.
 */
public final class ResultBus implements MeterBinder, AutoCloseable {

    /** Outcomes a consumer without pixels may fall behind by: at 30 fps, several seconds. */
    public static final int DEFAULT_CAPACITY = 256;
    /**
     * Native memory all waiting frame copies may hold together: a consumer behind a slow disk keeps at most this much
     * of copies alive (a 1080p frame is 6 MB, 640x480 0.9 MB); past it, outcomes that need pixels are dropped and counted.
     */
    public static final long DEFAULT_PIXEL_BUDGET = 64L << 20;
    private static final long CLOSE_WAIT_MS = 5000;

    private final List<ConsumerThread> threads = new ArrayList<>();
    private final BiConsumer<String, Throwable> onDeath;
    private final long pixelBudget;
    private final AtomicLong pixelBytes = new AtomicLong();
    private boolean started, closed;

    /**
     * @param pixelBudget the bytes of frame copies that may wait at once
     * @param onDeath     told when a consumer's thread dies (the health model)
     */
    public ResultBus(long pixelBudget, BiConsumer<String, Throwable> onDeath) {
        this.pixelBudget = pixelBudget;
        this.onDeath = onDeath;
    }

    /** Adds a consumer with its own queue of {@link FrameConsumer#capacity()}; before {@link #start} only. */
    public ResultBus add(FrameConsumer c) {
        if (started) throw new IllegalStateException("consumers are added before the bus starts");
        if (threads.size() == 63) throw new IllegalStateException("at most 63 consumers");
        threads.add(new ConsumerThread(c, Math.max(1, c.capacity()), onDeath));
        return this;
    }

    public void start() {
        started = true;
        threads.forEach(ConsumerThread::start);
    }

    /** Offers the outcome to every consumer; {@code frame} is the camera's (lent) frame, copied only if asked for. */
    public void publish(FrameOutcome o, Frame frame) {
        int want = 0;
        int n = threads.size();
        // Bit sets are enough: a daemon has a handful of consumers.
        long mask = 0, interested = 0;
        for (int i = 0; i < n; i++) {
            FrameConsumer c = threads.get(i).consumer();
            if (!c.wants(o)) continue;
            interested |= 1L << i;
            if (frame != null && c.wantsPixels(o)) {
                mask |= 1L << i;
                want++;
            }
        }
        SharedPixels pixels = null;
        if (want > 0) {
            long bytes = frame.bgr().total() * frame.bgr().elemSize();
            if (pixelBytes.addAndGet(bytes) <= pixelBudget) {
                try {
                    pixels = new SharedPixels(frame.bgr(), want, bytes, pixelBytes);
                } catch (RuntimeException e) { // native memory refused the copy: as over budget, never the loop's end
                    pixelBytes.addAndGet(-bytes);
                }
            } else {
                pixelBytes.addAndGet(-bytes); // over budget: those who needed the pixels miss this outcome
            }
            if (pixels == null) for (int i = 0; i < n; i++) if ((mask & (1L << i)) != 0) threads.get(i).drop();
        }
        for (int i = 0; i < n; i++) {
            if ((interested & (1L << i)) == 0) continue;
            boolean wants = (mask & (1L << i)) != 0;
            if (!wants) threads.get(i).offer(o, null);
            else if (pixels != null) threads.get(i).offer(o, pixels);
        }
    }

    /** Outcomes dropped for a consumer because its queue was full (-1 for an unknown name). */
    public long dropped(String consumer) {
        for (ConsumerThread t : threads) if (t.consumer().name().equals(consumer)) return t.dropped();
        return -1;
    }

    public List<String> names() { return threads.stream().map(t -> t.consumer().name()).toList(); }

    /** Bytes of frame copies waiting now. */
    public long pixelBytes() { return pixelBytes.get(); }

    /** {@code vigil.consumer.dropped}, {@code .failures} and {@code .queue} per consumer. */
    @Override
    public void bindTo(MeterRegistry r) {
        for (ConsumerThread t : threads) {
            String name = t.consumer().name();
            FunctionCounter.builder("vigil.consumer.dropped", t, ConsumerThread::dropped)
                    .description("Frame outcomes a consumer missed because its queue was full").tag("consumer", name).register(r);
            FunctionCounter.builder("vigil.consumer.failures", t, ConsumerThread::failures)
                    .description("Frame outcomes a consumer failed on").tag("consumer", name).register(r);
            Gauge.builder("vigil.consumer.queue", t, ConsumerThread::depth).strongReference(true)
                    .description("Frame outcomes waiting for a consumer").tag("consumer", name).register(r);
        }
        Gauge.builder("vigil.consumer.pixels", pixelBytes, AtomicLong::get).baseUnit("bytes").strongReference(true)
                .description("Native memory held by frame copies waiting for consumers").register(r);
    }

    /** Drains every queue (a few seconds at most), then closes the consumers in the order they were added. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (ConsumerThread t : threads) t.close(CLOSE_WAIT_MS);
    }
}
