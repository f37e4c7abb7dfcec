package dev.vigil.systemd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.vigil.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What systemd does with $NOTIFY_SOCKET, for tests: binds an AF_UNIX datagram socket (a path or an abstract name) and
 * collects every message on a thread. Through FFM like the sender, since Java's channels have no unix datagrams.
 */
final class NotifyListener implements AutoCloseable {

    /** A message and when it arrived (System.nanoTime). */
    record Message(String text, long nanos) {
        boolean has(String assignment) {
            return text.lines().anyMatch(assignment::equals);
        }

        String status() {
            return text.lines().filter(l -> l.startsWith("STATUS=")).map(l -> l.substring(7)).findFirst().orElse(null);
        }
    }

    private static final MethodHandle BIND = Libc.errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = Libc.errnoCall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    final UnixAddress address;
    private final int fd;
    private final List<Message> messages = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closing;

    private NotifyListener(UnixAddress address, int fd) {
        this.address = address;
        this.fd = fd;
        this.thread = Thread.ofPlatform().name("notify-listener").daemon().start(this::receive);
    }

    /** Binds {@code address} ("/path" or "@name"). */
    static NotifyListener bind(String address) throws IOException {
        UnixAddress a = UnixAddress.parse(address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException("socket: " + Libc.describe(Libc.errno(state)));
            int r = (int) BIND.invokeExact(state, fd, a.write(arena), a.length());
            if (r != 0) {
                String why = Libc.describe(Libc.errno(state));
                Libc.close(fd);
                throw new IOException("bind " + address + ": " + why);
            }
            return new NotifyListener(a, fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("bind " + address + " failed", t);
        }
    }

    private void receive() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            MemorySegment pfd = arena.allocate(8, 4);
            MemorySegment buf = arena.allocate(4096);
            while (!closing) {
                pfd.set(JAVA_INT, 0, fd);
                pfd.set(JAVA_SHORT, 4, Libc.POLLIN);
                pfd.set(JAVA_SHORT, 6, (short) 0);
                int ready = (int) Libc.POLL.invokeExact(state, pfd, 1L, 100);
                if (ready <= 0) continue;
                long n = (long) RECV.invokeExact(state, fd, buf, 4096L, Libc.MSG_DONTWAIT);
                if (n < 0) continue;
                String text = new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                synchronized (messages) {
                    messages.add(new Message(text, System.nanoTime()));
                    messages.notifyAll();
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("listener failed", t);
        }
    }

    List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The first message after index {@code from} that matches, waiting up to {@code timeout}; null when none came. */
    Message await(int from, Predicate<Message> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (true) {
                for (int i = from; i < messages.size(); i++) if (p.test(messages.get(i))) return messages.get(i);
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                messages.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The listener's address as the NOTIFY_SOCKET value. */
    String variable() {
        return address.text();
    }

    @Override
    public void close() throws IOException {
        closing = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
        if (!address.isAbstract()) Files.deleteIfExists(Path.of(address.text()));
    }
}
