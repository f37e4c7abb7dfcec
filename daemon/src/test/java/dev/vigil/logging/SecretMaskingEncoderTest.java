package dev.vigil.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.LoggingConfig;
import dev.vigil.config.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every part of a log line, text or JSON: message, arguments, exception messages and causes, all masked. */
class SecretMaskingEncoderTest {

    private static final Logger log = LoggerFactory.getLogger("dev.vigil.capture.Camera");
    private static final String PASSWORD = "pa ss9Q", QUOTED = "q\"uo\\te/#?@:";
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        LogSetup.apply(LoggingConfig.DEFAULT, System.getenv());
    }

    String logged(String format) {
        Secrets.register(PASSWORD);
        Secrets.register(QUOTED);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        LogSetup.apply(new LoggingConfig("info", format, Optional.empty()), Map.of());
        IOException cause = new IOException("401 for rtsp://vigil:" + QUOTED + "@cam/s");
        log.warn("camera door: DOWN ({}): {}", "rtsp://vigil:" + PASSWORD + "@cam/s", "cannot open",
                new IllegalStateException("open rtsp://vigil:" + PASSWORD + "@cam/s failed", cause));
        System.err.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLinesAndStackTracesAreMasked() {
        String out = logged("text");
        assertTrue(out.contains("camera door: DOWN (rtsp://vigil:***@cam/s): cannot open"), out);
        assertTrue(out.contains("java.lang.IllegalStateException: open rtsp://vigil:***@cam/s failed"), out);
        assertTrue(out.contains("Caused by: java.io.IOException: 401 for rtsp://vigil:***@cam/s"), out);
        for (String leak : List.of(PASSWORD, QUOTED, "ss9Q", "uo\\te")) assertFalse(out.contains(leak), leak + " in:\n" + out);
    }

    @Test
    void jsonLinesAreMaskedAndStillJson() throws Exception {
        String out = logged("json");
        JsonNode line = new ObjectMapper().readTree(out.lines().filter(l -> l.contains("DOWN")).findFirst().orElseThrow());
        assertEquals("camera door: DOWN ({}): {}", line.get("message").asText(), out);
        assertEquals("[\"rtsp://vigil:***@cam/s\",\"cannot open\"]", line.get("arguments").toString(), out);
        for (String leak : List.of(PASSWORD, QUOTED, "ss9Q", "uo\\\\te", "uo\\te")) assertFalse(out.contains(leak), leak + " in:\n" + out);
    }

    @Test
    void aLogbackXmlOfOnesOwnCanWrapItsEncoder() throws Exception {
        Secrets.register(PASSWORD);
        ch.qos.logback.classic.LoggerContext ctx = new ch.qos.logback.classic.LoggerContext();
        ch.qos.logback.classic.joran.JoranConfigurator joran = new ch.qos.logback.classic.joran.JoranConfigurator();
        joran.setContext(ctx);
        joran.doConfigure(new java.io.ByteArrayInputStream("""
                <configuration>
                  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder class="dev.vigil.logging.SecretMaskingEncoder">
                      <encoder class="ch.qos.logback.classic.encoder.PatternLayoutEncoder"><pattern>%msg%n</pattern></encoder>
                    </encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="ERR"/></root>
                </configuration>""".getBytes(StandardCharsets.UTF_8)));
        var appender = (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("ERR");
        var event = new ch.qos.logback.classic.spi.LoggingEvent("x", ctx.getLogger("x"), ch.qos.logback.classic.Level.INFO,
                "open rtsp://vigil:{}@cam/s", null, new Object[] {PASSWORD});
        assertTrue(appender.getEncoder() instanceof SecretMaskingEncoder m && m.getEncoder().isStarted(), "Joran built and started the nesting");
        assertEquals("open rtsp://vigil:***@cam/s\n", new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8));
        ctx.stop();
    }
}
