package dev.vigil.systemd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's wire format and both kinds of address, against a real AF_UNIX datagram socket. */
class NotifySocketTest {

    @TempDir
    Path tmp;

    @Test
    void aPathIsNulTerminatedAndAnAbstractNameStartsWithNul() {
        UnixAddress p = UnixAddress.parse("/run/systemd/notify");
        assertFalse(p.isAbstract());
        assertEquals(2 + 19 + 1, p.length());
        assertEquals(0, p.path()[19]);
        assertEquals('/', p.path()[0]);

        UnixAddress a = UnixAddress.parse("@vigil/x");
        assertTrue(a.isAbstract());
        assertArrayEquals(new byte[] {0, 'v', 'i', 'g', 'i', 'l', '/', 'x'}, a.path());
        assertEquals(2 + 8, a.length(), "an abstract name's length is its address length: no terminator");
    }

    @Test
    void addressesVigilCannotUseAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixAddress.parse("vsock:2:1234")).getMessage()
                .contains("neither a socket path (/...) nor an abstract name (@...)"));
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.parse("@"));
        String longPath = "/" + "x".repeat(107);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UnixAddress.parse(longPath)).getMessage()
                .contains("longer than a unix socket address"));
        assertEquals(108, UnixAddress.parse("/" + "x".repeat(106)).path().length);
    }

    @Test
    void messagesReachAPathSocket() throws Throwable {
        try (NotifyListener l = NotifyListener.bind(tmp.resolve("notify").toString());
             Notifier n = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", l.variable()))) {
            assertTrue(n.enabled());
            assertTrue(n.send("READY=1\nSTATUS=1/1 cameras up"));
            assertTrue(n.send("WATCHDOG=1"));
            NotifyListener.Message m = l.await(0, x -> x.has("WATCHDOG=1"), Duration.ofSeconds(5));
            assertNotNull(m, "messages " + l.messages());
            assertEquals("READY=1\nSTATUS=1/1 cameras up", l.messages().get(0).text());
            assertEquals("1/1 cameras up", l.messages().get(0).status());
        }
    }

    @Test
    void messagesReachAnAbstractSocket() throws Throwable {
        String name = "@vigil-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyListener l = NotifyListener.bind(name);
             Notifier n = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", name))) {
            assertTrue(n.send("STOPPING=1"));
            assertNotNull(l.await(0, x -> x.has("STOPPING=1"), Duration.ofSeconds(5)), "messages " + l.messages());
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        Notifier n = Notifier.fromEnvironment(Map.of("WATCHDOG_USEC", "30000000"));
        assertSame(Notifier.NONE, n);
        assertFalse(n.send("READY=1"));
        assertSame(Notifier.NONE, Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234")));
    }

    @Test
    void aManagerThatIsGoneIsNoExceptionAndTheDaemonGoesOn() {
        try (Notifier n = Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", tmp.resolve("nobody-listens").toString()))) {
            assertTrue(n.enabled());
            assertFalse(n.send("WATCHDOG=1"), "no such socket: not sent");
            assertFalse(n.send("WATCHDOG=1"));
        }
    }
}
