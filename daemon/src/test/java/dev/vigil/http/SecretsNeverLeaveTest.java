package dev.vigil.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.LoggingConfig;
import dev.vigil.logging.LogSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit's leak: {@code RTSP_PASSWORD='pa ss9Q'} in a stream URL showed in clear in the log. A daemon whose camera
 * cannot open such a URL writes no form of the password to the console, the log file (at debug), {@code /api/status}
 * or {@code /metrics}.
 */
class SecretsNeverLeaveTest {

    @TempDir
    Path tmp;

    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        LogSetup.apply(LoggingConfig.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pa ss9Q", "p/w#d?x@y:z"})
    void aDaemonWhoseCameraCannotOpenTheUrlNeverShowsThePassword(String password) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        Path logFile = tmp.resolve("log/vigil.log");
        LogSetup.apply(new LoggingConfig("debug", "text", Optional.of(new LoggingConfig.FileLog(logFile, 10_000_000, 2))));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: the camera's connect is refused
        }
        String source = "{ stream: \"rtsp://vigil:${RTSP_PASSWORD}@127.0.0.1:" + port + "/stream1\", connect_timeout_s: 1 }";
        String status, metrics;
        try (LiveDaemon d = LiveDaemon.start(tmp, source, Map.of("RTSP_PASSWORD", password))) {
            JsonNode camera = null;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                camera = StatusJson.of(d.vigil).get("cameras").get(0);
                if (camera.has("reason") && d.vigil.cameraStats().getFirst().reconnects() >= 2) break;
                Thread.sleep(50);
            }
            assertTrue(camera != null && camera.has("reason"), "the camera went down: " + camera);
            status = StatusJson.of(d.vigil).toString();
            metrics = d.get("/metrics").body();
        }
        System.err.flush();
        String logged = console.toString(StandardCharsets.UTF_8);
        String filed = Files.readString(logFile);
        assertTrue(logged.contains("rtsp://vigil:***@127.0.0.1:" + port + "/stream1"), "the camera's URL is logged, masked:\n" + logged);
        assertTrue(filed.lines().count() > 10, filed);
        for (String leak : List.of(password, URLEncoder.encode(password, StandardCharsets.UTF_8),
                URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"), "ss9Q", "x@y:z")) {
            assertFalse(logged.contains(leak), "'" + leak + "' on the console:\n" + logged);
            assertFalse(filed.contains(leak), "'" + leak + "' in the log file:\n" + filed);
            assertFalse(status.contains(leak), "'" + leak + "' in /api/status: " + status);
            assertFalse(metrics.contains(leak), "'" + leak + "' in /metrics");
        }
    }
}
