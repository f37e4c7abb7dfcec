package dev.vigil.systemd;

import dev.vigil.nativeio.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} as systemd's {@code $NOTIFY_SOCKET} names it: an absolute path ({@code /run/systemd/notify})
 * or an abstract name ({@code @vigil/notify}: the {@code @} becomes the leading NUL byte of sun_path, and the name is
 * not NUL-terminated: its length is part of the address).
 *
 * @param text   what the variable said
 * @param path   sun_path's bytes as passed to the kernel (leading NUL for an abstract name, trailing NUL for a path)
 */
record UnixAddress(String text, byte[] path) {

    /** sizeof(sa_family_t): sun_path starts after it. */
    static final int PATH_OFFSET = 2;
    /** sizeof(sun_path) on Linux. */
    static final int PATH_MAX = 108;

    /** Reads {@code $NOTIFY_SOCKET}'s value; a value vigil cannot send to is an IllegalArgumentException saying why. */
    static UnixAddress parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("NOTIFY_SOCKET is empty");
        byte[] name = text.substring(1).getBytes(StandardCharsets.UTF_8);
        byte[] path;
        if (text.charAt(0) == '@') {
            if (name.length == 0) throw new IllegalArgumentException("NOTIFY_SOCKET=@ names no abstract socket");
            path = new byte[name.length + 1]; // leading NUL, no terminator
            System.arraycopy(name, 0, path, 1, name.length);
        } else if (text.charAt(0) == '/') {
            byte[] all = text.getBytes(StandardCharsets.UTF_8);
            path = new byte[all.length + 1]; // trailing NUL
            System.arraycopy(all, 0, path, 0, all.length);
        } else {
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + text + " is neither a socket path (/...) nor an abstract"
                    + " name (@...); vigil sends nothing to it");
        }
        if (path.length > PATH_MAX)
            throw new IllegalArgumentException("NOTIFY_SOCKET=" + text + " is longer than a unix socket address ("
                    + (PATH_MAX - 1) + " bytes)");
        return new UnixAddress(text, path);
    }

    boolean isAbstract() {
        return path[0] == 0;
    }

    /** socklen_t of the address: the family and the used part of sun_path. */
    int length() {
        return PATH_OFFSET + path.length;
    }

    /** The address in native memory of {@code arena}. */
    MemorySegment write(Arena arena) {
        MemorySegment s = arena.allocate(PATH_OFFSET + PATH_MAX, 2);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
        MemorySegment.copy(path, 0, s, ValueLayout.JAVA_BYTE, PATH_OFFSET, path.length);
        return s;
    }

    @Override
    public String toString() {
        return text;
    }
}
