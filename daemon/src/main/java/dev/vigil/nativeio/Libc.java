package dev.vigil.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Every libc call vigil makes, bound once through Java's FFM API: the GPIO character device (open, ioctl, poll, read,
 * close), sd_notify's datagram (socket, sendto), native stderr capture (dup, dup2), the terminal check (isatty) and
 * why a native library failed to load (dlopen, dlerror). Java's own APIs cannot do these: {@code DatagramChannel} has
 * no AF_UNIX datagrams, no channel reaches an ioctl, and nothing redirects file descriptor 2.
 *
 * <p>The handles marked "errno" take a {@link #CALL_STATE} segment as their first argument, into which the call writes
 * errno before the JVM can overwrite it; read it with {@link #errno}. Constants are Linux's on x86_64 and arm64, the
 * two platforms vigil ships for.
 */
public final class Libc {

    public static final int O_WRONLY = 1, O_RDWR = 2, O_TRUNC = 0x200, O_CLOEXEC = 02000000;
    public static final int AF_UNIX = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final short POLLIN = 1;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    /** Where an errno-capturing call leaves errno: allocate one per call, or one per thread-confined owner. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** errno; {@code int open(const char *path, int flags, ...)}: the mode is variadic. */
    public static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** errno; {@code int ioctl(int fd, unsigned long request, ...)}: the argument is variadic. */
    public static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** errno; {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}. */
    public static final MethodHandle POLL = errnoCall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    /** errno; {@code ssize_t read(int fd, void *buf, size_t count)}. */
    public static final MethodHandle READ = errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /** errno; {@code int close(int fd)}. */
    public static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** errno; {@code int socket(int domain, int type, int protocol)}. */
    public static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    /** errno; {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)}. */
    public static final MethodHandle SENDTO = errnoCall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private static final MethodHandle DUP = bind("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 = bind("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ISATTY = bind("isatty", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    /**
     * A libc function whose errno is captured (see {@link #CALL_STATE}), for a call vigil itself does not make (tests
     * that play the other end of a socket).
     */
    public static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        return bind(name, fd, CAPTURE_ERRNO);
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name + "()"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** errno as captured by an errno handle's call into {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's text for an errno: "Device or resource busy". */
    public static String strerror(int errno) {
        try {
            return text(errno);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** "Connection refused (errno 111)". */
    public static String describe(int errno) {
        try {
            return text(errno) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static String text(int errno) throws Throwable {
        MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
        return s.reinterpret(256).getString(0, StandardCharsets.UTF_8);
    }

    /** Closes {@code fd}. Its result is not checked: after close(2) fails the descriptor is gone all the same. */
    public static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(a.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(" + fd + ") failed", t);
        }
    }

    /** {@code dup(fd)}: a new descriptor for the same file, or -1. */
    public static int dup(int fd) throws Throwable {
        return (int) DUP.invokeExact(fd);
    }

    /** {@code dup2(from, to)}: {@code to} now refers to {@code from}'s file; -1 on failure. */
    public static int dup2(int from, int to) throws Throwable {
        return (int) DUP2.invokeExact(from, to);
    }

    public static boolean isatty(int fd) throws Throwable {
        return (int) ISATTY.invokeExact(fd) == 1;
    }

    /**
     * What the dynamic loader says when it cannot load {@code library} ("libusb-1.0.so.0: cannot open shared object
     * file"), or null when it loads (it is closed again) or the loader cannot be asked.
     */
    public static String dlopenError(String library) {
        try {
            return Dl.error(library);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Bound on first use: a libc without a dl* function must not keep the rest of this class from loading. */
    private static final class Dl {
        private static final int RTLD_NOW = 2;
        private static final MethodHandle DLOPEN = bind("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        private static final MethodHandle DLERROR = bind("dlerror", FunctionDescriptor.of(ADDRESS));
        private static final MethodHandle DLCLOSE = bind("dlclose", FunctionDescriptor.of(JAVA_INT, ADDRESS));

        static String error(String library) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment h = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(library), RTLD_NOW);
                if (h.address() != 0) {
                    int ignored = (int) DLCLOSE.invokeExact(h);
                    return null;
                }
                MemorySegment msg = (MemorySegment) DLERROR.invokeExact();
                return msg.address() == 0 ? null : msg.reinterpret(Long.MAX_VALUE).getString(0);
            }
        }
    }

    /**
     * The C heap: glibc keeps memory a program freed for its next allocations, so a model closed (tens of MB of
     * tensors) stays in the process's resident memory until {@link #trim} gives it back. Both calls are glibc's and do
     * nothing where the C library has none (musl).
     */
    public static final class Heap {
        private static final MethodHandle TRIM = optional("malloc_trim", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        private static final StructLayout MALLINFO2 = MemoryLayout.structLayout(JAVA_LONG.withName("arena"), JAVA_LONG.withName("ordblks"),
                JAVA_LONG.withName("smblks"), JAVA_LONG.withName("hblks"), JAVA_LONG.withName("hblkhd"), JAVA_LONG.withName("usmblks"),
                JAVA_LONG.withName("fsmblks"), JAVA_LONG.withName("uordblks"), JAVA_LONG.withName("fordblks"), JAVA_LONG.withName("keepcost"));
        private static final MethodHandle INFO = optional("mallinfo2", FunctionDescriptor.of(MALLINFO2));

        private Heap() {}

        private static MethodHandle optional(String name, FunctionDescriptor fd) {
            return LINKER.defaultLookup().find(name).map(sym -> LINKER.downcallHandle(sym, fd)).orElse(null);
        }

        /** Returns the free memory of every arena to the system (malloc_trim(0)). */
        public static void trim() {
            if (TRIM == null) return;
            try {
                int ignored = (int) TRIM.invokeExact(0L);
            } catch (Throwable t) {
                throw new IllegalStateException("malloc_trim failed", t);
            }
        }

        /** Bytes handed out and not freed (mallinfo2: uordblks + hblkhd), or -1 without glibc. */
        public static long inUse() {
            if (INFO == null) return -1;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = (MemorySegment) INFO.invokeExact((java.lang.foreign.SegmentAllocator) a);
                return m.get(JAVA_LONG, MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("uordblks")))
                        + m.get(JAVA_LONG, MALLINFO2.byteOffset(MemoryLayout.PathElement.groupElement("hblkhd")));
            } catch (Throwable t) {
                throw new IllegalStateException("mallinfo2 failed", t);
            }
        }
    }
}
