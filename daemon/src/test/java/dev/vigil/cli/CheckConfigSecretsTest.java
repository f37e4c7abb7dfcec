package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code check-config} and {@code check-config --print} never show what {@code ${VAR}} brought in. */
class CheckConfigSecretsTest {

    @TempDir
    Path tmp;

    @AfterEach
    void forget() {
        Secrets.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pa ss9Q", "p/w#d?x@y:z"})
    void aSecretIsMaskedInTheOkLineAndThePrintedConfig(String password) throws Exception {
        Path file = tmp.resolve("door.yaml");
        Files.writeString(file, """
                http: { listen: "127.0.0.1:0" } # port 0: what else listens on this machine is not this test's business
                cameras:
                  door:
                    source: { stream: "rtsp://vigil:${RTSP_PASSWORD}@192.168.1.20:554/stream1" }
                    groups: { person: { labels: [person] } }
                  pi:
                    source: { command: [fetch-frames, --token, "${CAM_TOKEN}", -o, "-"] }
                    groups: { person: { labels: [person] } }
                """);
        CheckConfigCommand cmd = new CheckConfigCommand();
        cmd.env = Map.of("RTSP_PASSWORD", password, "CAM_TOKEN", "tok " + password);
        CommandLine cli = new CommandLine(cmd);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(file.toString(), "--print");

        assertEquals(0, code, err.toString());
        String all = out + "\n" + err;
        assertTrue(out.toString().startsWith(file + ": ok (2 cameras: door (stream rtsp://vigil:***@192.168.1.20:554/stream1), "
                + "pi (command fetch-frames --token *** -o -))\n"), out.toString());
        assertTrue(out.toString().contains("stream: rtsp://vigil:***@192.168.1.20:554/stream1"), out.toString());
        for (String leak : new String[] {password, URLEncoder.encode(password, StandardCharsets.UTF_8), "ss9Q", "x@y:z"}) {
            assertFalse(all.contains(leak), "'" + leak + "' in:\n" + all);
        }
    }
}
