package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil models deploy} without a daemon to talk to, and its --to forms (the deploys themselves: SelfTestRefusalTest). */
class ModelsDeployTest {

    @TempDir
    Path tmp;

    @Test
    void noDaemonIsOneLineNamingWhereItLookedAndExitOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        Path token = Files.writeString(tmp.resolve("token"), "x".repeat(43) + "\n");
        CliTest.Run r = CliTest.run("models", "deploy", "mobilenet_v2_quant", "--to", "127.0.0.1:" + port, "--token-file", token.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("vigil: no daemon answers at 127.0.0.1:" + port + "; is vigil running there (systemctl status vigil), or give --to HOST:PORT",
                r.err().strip());
    }

    @Test
    void toTakesAHostAHostAndPortOrAnIpv6Address() {
        assertTrue(DaemonClient.hasPort("pi.local:8089"));
        assertTrue(DaemonClient.hasPort("[::1]:8089"));
        assertFalse(DaemonClient.hasPort("pi.local"));
        assertFalse(DaemonClient.hasPort("[::1]"));
        assertFalse(DaemonClient.hasPort("fe80::1"));
    }
}
