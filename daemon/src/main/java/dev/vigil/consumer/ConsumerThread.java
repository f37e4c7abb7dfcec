package dev.vigil.consumer;

import dev.vigil.pipeline.FrameOutcome;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer on its own platform thread behind a bounded queue. {@link #offer} never blocks: a full queue drops the
 * outcome for this consumer and counts it. A consumer that throws on one outcome is logged (once a minute at most) and
 * goes on; a thread that dies anyway (an Error) is reported to {@code onDeath}.
 */
final class ConsumerThread {

    private static final Logger log = LoggerFactory.getLogger(ConsumerThread.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record Item(FrameOutcome outcome, SharedPixels pixels) {}

    private static final Item END = new Item(null, null);

    private final FrameConsumer consumer;
    private final BlockingQueue<Item> queue;
    private final Thread thread;
    private final AtomicLong offered = new AtomicLong(), dropped = new AtomicLong(), failures = new AtomicLong();
    private final BiConsumer<String, Throwable> onDeath;
    private final long delayNanos;
    private volatile boolean closing;
    private long lastLogged;

    ConsumerThread(FrameConsumer consumer, int capacity, BiConsumer<String, Throwable> onDeath) {
        this.consumer = consumer;
        this.delayNanos = Math.max(0, consumer.maxDelay().toNanos());
        this.queue = new ArrayBlockingQueue<>(capacity + 1); // +1: room for END however full
        this.onDeath = onDeath;
        this.thread = Thread.ofPlatform().name("consumer-" + consumer.name()).daemon().unstarted(this::run);
    }

    void start() { thread.start(); }

    FrameConsumer consumer() { return consumer; }

    /** Queues the outcome, or drops and counts it when the queue is full or the consumer is closing. Never blocks. */
    void offer(FrameOutcome o, SharedPixels pixels) {
        offered.incrementAndGet();
        if (closing || queue.remainingCapacity() <= 1 || !queue.offer(new Item(o, pixels))) {
            dropped.incrementAndGet();
            if (pixels != null) pixels.release();
            return;
        }
        if (delayNanos == 0) LockSupport.unpark(thread);
    }

    /**
     * The next item, parking while there is none. Park and unpark instead of the queue's blocking take: a take that
     * waits allocates a condition node each time, which at 30 fps and a few consumers was most of the frame path's garbage.
     */
    private Item next() throws InterruptedException {
        while (true) {
            Item it = queue.poll();
            if (it != null) return it;
            if (delayNanos == 0) LockSupport.park(this);
            else LockSupport.parkNanos(this, delayNanos);
            if (Thread.interrupted()) throw new InterruptedException();
        }
    }

    private void run() {
        try {
            while (true) {
                Item it = next();
                if (it == END) break;
                try {
                    consumer.accept(it.outcome(), it.pixels() == null ? null : it.pixels().mat());
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    long now = System.nanoTime();
                    if (lastLogged == 0 || now - lastLogged > LOG_EVERY_NANOS) {
                        lastLogged = now;
                        log.warn("consumer {} failed on a frame of camera {}: {} ({} failures so far)", consumer.name(),
                                it.outcome().camera(), e.toString(), failures.get());
                    }
                } finally {
                    if (it.pixels() != null) it.pixels().release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            log.error("consumer {}: thread died: {}", consumer.name(), t.toString());
            onDeath.accept(thread.getName(), t);
        } finally {
            Item it;
            while ((it = queue.poll()) != null) if (it.pixels() != null) it.pixels().release();
        }
    }

    /** Counts an outcome this consumer could not be given (its pixels were over the bus's budget). */
    void drop() {
        offered.incrementAndGet();
        dropped.incrementAndGet();
    }

    /** Lets the queue drain (at most {@code waitMs}), then closes the consumer. */
    void close(long waitMs) {
        closing = true;
        queue.offer(END);
        LockSupport.unpark(thread);
        try {
            thread.join(waitMs);
            if (thread.isAlive()) {
                log.warn("consumer {}: still busy after {} ms at shutdown; {} outcome(s) not handled", consumer.name(), waitMs, queue.size());
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            consumer.close();
        } catch (Exception e) {
            log.warn("consumer {}: close failed: {}", consumer.name(), e.toString());
        }
    }

    long offered() { return offered.get(); }

    long dropped() { return dropped.get(); }

    long failures() { return failures.get(); }

    int depth() { return Math.max(0, queue.size()); }

    boolean alive() { return thread.isAlive(); }
}
