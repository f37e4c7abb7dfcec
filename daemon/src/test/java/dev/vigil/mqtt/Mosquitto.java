package dev.vigil.mqtt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto for a test: 127.0.0.1 on a free port, a password file (users vigil, watcher, guest), an ACL (vigil may
 * write only under vigil/ and homeassistant/, watcher may read everything and write commands, guest only read), persistence in the
 * test's folder so a stop and start keeps the sessions and retained messages.
 */
final class Mosquitto implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    static final String VIGIL_PASSWORD = "s3cret-vigil", WATCHER_PASSWORD = "s3cret-watcher", GUEST_PASSWORD = "s3cret-guest";

    final Path dir;
    final int port;
    /** The TLS listener's port, 0 without one; its certificate (for 127.0.0.1) is signed by {@link #ca}. */
    int tlsPort;
    Path ca;
    /** The WebSocket listener's port, 0 without one. */
    int wsPort;
    private Process process;

    Mosquitto(Path dir) throws Exception {
        this(dir, false);
    }

    /** @param tls a second listener with TLS on a certificate made here by openssl */
    Mosquitto(Path dir, boolean tls) throws Exception {
        this(dir, tls, false);
    }

    /** @param websockets a listener speaking MQTT over WebSocket ({@code protocol websockets}) on {@link #wsPort} */
    Mosquitto(Path dir, boolean tls, boolean websockets) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "mosquitto is not installed at " + BINARY);
        this.dir = Files.createDirectories(dir);
        Path passwd = dir.resolve("passwd");
        Files.writeString(passwd, "");
        passwd(passwd, "vigil", VIGIL_PASSWORD);
        passwd(passwd, "watcher", WATCHER_PASSWORD);
        passwd(passwd, "guest", GUEST_PASSWORD);
        Files.writeString(dir.resolve("acl"), """
                user vigil
                topic readwrite vigil/#
                topic readwrite homeassistant/#

                user watcher
                topic read #
                topic write vigil/+/+/armed/set
                topic write vigil/+/+/detect/set
                topic write vigil/+/+/snapshot/take
                topic write vigil/+/output/+/pulse
                topic write vigil/+/outputs/reset
                topic write vigil/+/event/+/feedback
                topic write vigil/+/model/deploy
                topic write homeassistant/status

                user guest
                topic read vigil/#
                """);
        if (tls) certificates();
        int p = 0;
        for (int attempt = 0; attempt < 5 && p == 0; attempt++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                candidate = s.getLocalPort();
            }
            this.portTry = candidate;
            if (tls) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    tlsPort = s.getLocalPort();
                }
            }
            if (websockets) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    wsPort = s.getLocalPort();
                }
            }
            writeConf(candidate);
            if (startProcess()) p = candidate;
        }
        if (p == 0) throw new IllegalStateException("mosquitto did not start: " + Files.readString(dir.resolve("stdout.log")) + log());
        this.port = p;
    }

    private int portTry;

    private void writeConf(int port) throws IOException {
        Files.writeString(dir.resolve("mosquitto.conf"), """
                user %s
                listener %d 127.0.0.1
                allow_anonymous false
                password_file %s
                acl_file %s
                persistence true
                persistence_location %s/
                autosave_interval 1
                log_dest file %s
                log_type all
                """.formatted(System.getProperty("user.name"), port, dir.resolve("passwd"), dir.resolve("acl"), dir, dir.resolve("mosquitto.log"))
                + (tlsPort == 0 ? "" : """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                keyfile %s
                """.formatted(tlsPort, ca, dir.resolve("server.pem"), dir.resolve("server.key")))
                + (wsPort == 0 ? "" : """
                listener %d 127.0.0.1
                protocol websockets
                """.formatted(wsPort)));
    }

    /** A CA and a server certificate for 127.0.0.1 (subjectAltName IP), as a broker of a plant would have. */
    private void certificates() throws Exception {
        ca = dir.resolve("ca.pem");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vigil test CA",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString());
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString());
        openssl("x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", ca.toString(), "-CAkey",
                dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile", dir.resolve("san.ext").toString(),
                "-out", dir.resolve("server.pem").toString());
    }

    private void openssl(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("openssl"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("openssl " + args[0] + " failed: " + out);
    }

    private static void passwd(Path file, String user, String password) throws Exception {
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", file.toString(), user, password).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException("mosquitto_passwd failed: " + out);
    }

    private boolean startProcess() throws Exception {
        process = new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (!process.isAlive()) return false; // the port was taken in between: the caller tries another
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), portTry)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        return false;
    }

    String url() { return "mqtt://127.0.0.1:" + port; }

    /** Stops the broker (SIGTERM: it saves sessions and retained messages). */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port. */
    void start() throws Exception {
        if (!startProcess()) throw new IllegalStateException("mosquitto did not restart on port " + port);
    }

    String log() throws IOException {
        Path l = dir.resolve("mosquitto.log");
        return Files.exists(l) ? Files.readString(l) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
