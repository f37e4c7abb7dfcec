package dev.vigil.systemd;

import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Where service state goes: systemd's notification socket when the service manager gave one ({@code $NOTIFY_SOCKET}),
 * else nowhere. Chosen once, at wiring.
 */
public sealed interface Notifier extends AutoCloseable permits Notifier.None, NotifySocket {

    /**
     * Sends one message of newline-separated assignments ({@code READY=1\nSTATUS=...}). Never throws: a manager that
     * went away is logged, and the daemon goes on.
     *
     * @return whether the message was handed to the kernel
     */
    boolean send(String state);

    /** Whether messages go anywhere. */
    boolean enabled();

    @Override
    void close();

    /** Not run by a service manager (a terminal, a test, Docker): messages are dropped. */
    Notifier NONE = new None();

    /**
     * The notifier {@code env} asks for: a socket for {@code NOTIFY_SOCKET}, {@link #NONE} without it, and NONE with one
     * warning for a value vigil cannot use (a vsock address, a name too long).
     */
    static Notifier fromEnvironment(Map<String, String> env) {
        String s = env.get("NOTIFY_SOCKET");
        if (s == null || s.isEmpty()) return NONE;
        try {
            return NotifySocket.open(UnixAddress.parse(s));
        } catch (IllegalArgumentException | java.io.IOException e) {
            LoggerFactory.getLogger(Notifier.class).warn("systemd: {}; service state is not reported", e.getMessage());
            return NONE;
        }
    }

    /** Drops every message. */
    final class None implements Notifier {
        private None() {}

        @Override
        public boolean send(String state) { return false; }

        @Override
        public boolean enabled() { return false; }

        @Override
        public void close() {}

        @Override
        public String toString() { return "nowhere (no NOTIFY_SOCKET)"; }
    }
}
