package dev.vigil.systemd;

import dev.vigil.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * An AF_UNIX datagram socket sending sd_notify(3) messages to one address: what libsystemd's sd_notify does, in Java.
 * The socket is opened once and kept; each message is one non-blocking sendto() (a manager that stopped reading
 * makes it fail with EAGAIN rather than block the caller). Thread-safe.
 */
public final class NotifySocket implements Notifier {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NotifySocket.class);

    private final UnixAddress address;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sockaddr;
    private final MemorySegment callState;
    private int fd;
    /** The last failure logged, so a manager that went away is one warning, not one per message. */
    private String lastProblem;

    private NotifySocket(UnixAddress address, int fd) {
        this.address = address;
        this.fd = fd;
        this.sockaddr = address.write(arena);
        this.callState = arena.allocate(Libc.CALL_STATE);
    }

    static NotifySocket open(UnixAddress address) throws IOException {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(Libc.CALL_STATE);
            fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + Libc.describe(Libc.errno(state)));
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: " + t, t);
        }
        return new NotifySocket(address, fd);
    }

    @Override
    public synchronized boolean send(String state) {
        if (fd < 0) return false;
        byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
        String problem;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes);
            long n = (long) Libc.SENDTO.invokeExact(callState, fd, buf, (long) bytes.length,
                    Libc.MSG_NOSIGNAL | Libc.MSG_DONTWAIT, sockaddr, address.length());
            if (n == bytes.length) {
                if (lastProblem != null) LOG.info("systemd: {} reachable again", address);
                lastProblem = null;
                return true;
            }
            problem = n < 0 ? Libc.describe(Libc.errno(callState)) : "sent " + n + " of " + bytes.length + " bytes";
        } catch (Throwable t) {
            problem = t.toString();
        }
        if (!problem.equals(lastProblem)) LOG.warn("systemd: cannot notify {}: {}", address, problem);
        lastProblem = problem;
        return false;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized void close() {
        if (fd < 0) return;
        Libc.close(fd);
        fd = -1;
        arena.close();
    }

    @Override
    public String toString() {
        return address.text();
    }
}
