package dev.vigil.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends responses whose client stopped reading. The JDK's HttpServer writes on a blocking channel with no write
 * timeout, so a client that never reads would hold a worker thread forever (and its own {@code maxRspTime} would also
 * cut the live view, which is one long response). Each write here is timed; a write stuck past the limit gets its
 * thread interrupted, which closes the channel (an interruptible channel's rule) and frees the thread.
 */
final class WriteWatchdog implements AutoCloseable {

    private final ConcurrentHashMap<Thread, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final long limitNanos;

    WriteWatchdog(long limitNanos) {
        this.limitNanos = limitNanos;
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-http-watchdog").daemon(true).factory());
        long period = Math.max(50_000_000L, limitNanos / 4);
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    private void check() {
        long now = System.nanoTime();
        for (Thread t : deadlines.keySet()) {
            // Atomic with the writer's removal: a thread that finished its write is never interrupted for it.
            deadlines.computeIfPresent(t, (th, deadline) -> {
                if (now - deadline > 0) th.interrupt();
                return deadline;
            });
        }
    }

    /** {@code out} with every write and flush bounded by the limit. */
    OutputStream guard(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                begin();
                try {
                    out.write(b);
                } finally {
                    end();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                begin();
                try {
                    out.write(b, off, len);
                } finally {
                    end();
                }
            }

            @Override
            public void flush() throws IOException {
                begin();
                try {
                    out.flush();
                } finally {
                    end();
                }
            }

            @Override
            public void close() throws IOException {
                begin();
                try {
                    out.close();
                } finally {
                    end();
                }
            }
        };
    }

    private void begin() {
        deadlines.put(Thread.currentThread(), System.nanoTime() + limitNanos);
    }

    private void end() {
        deadlines.remove(Thread.currentThread());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
