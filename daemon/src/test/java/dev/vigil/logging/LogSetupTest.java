package dev.vigil.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's format under journald and on a terminal, JSON lines, and the rolling file. */
class LogSetupTest {

    @TempDir
    Path tmp;

    private static final Logger log = LoggerFactory.getLogger("dev.vigil.capture.Camera");
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        LogSetup.apply(LoggingConfig.DEFAULT, System.getenv());
    }

    /** What one INFO and one WARN line look like on stderr with this config and environment. */
    List<String> console(LoggingConfig config, Map<String, String> env) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        LogSetup.apply(config, env, 0); // the file's size looked at on every line
        log.info("camera door: UP (folder /x)");
        log.warn("camera door: DOWN: connection refused; reconnecting in 1 s");
        System.err.flush();
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void underJournaldLinesCarryThePriorityAndNoTimestamp() {
        List<String> lines = console(LoggingConfig.DEFAULT, Map.of("JOURNAL_STREAM", "8:123456"));
        assertEquals(List.of("<6>INFO  Camera - camera door: UP (folder /x)",
                "<4>WARN  Camera - camera door: DOWN: connection refused; reconnecting in 1 s"), lines);
    }

    @Test
    void onATerminalLinesStartWithTheTimeOfDay() {
        List<String> lines = console(LoggingConfig.DEFAULT, Map.of());
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Camera - camera door: UP \\(folder /x\\)"), lines.get(0));
    }

    @Test
    void jsonFormatWritesOneObjectPerLine() throws Exception {
        List<String> lines = console(new LoggingConfig("info", "json", Optional.empty()), Map.of());
        assertEquals(2, lines.size(), lines.toString());
        JsonNode n = new ObjectMapper().readTree(lines.get(1));
        assertEquals("WARN", n.get("level").asText());
        assertEquals("dev.vigil.capture.Camera", n.get("loggerName").asText());
        assertEquals("camera door: DOWN: connection refused; reconnecting in 1 s", n.get("message").asText());
        assertTrue(n.get("timestamp").asLong() > 1_600_000_000_000L);
    }

    @Test
    void theLevelFiltersAndTheFileRollsAtItsSize() throws Exception {
        Path file = tmp.resolve("logs/vigil.log");
        List<String> lines = console(new LoggingConfig("warn", "text", Optional.of(new LoggingConfig.FileLog(file, 4096, 2))), Map.of());
        assertEquals(1, lines.size(), "INFO filtered at level warn: " + lines);
        String filler = "x".repeat(200);
        for (int i = 0; i < 100; i++) log.warn("line {} {}", i, filler);
        assertTrue(Files.readString(file).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[-+Z].*"), "a full timestamp in files");
        try (Stream<Path> s = Files.list(file.getParent())) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("vigil.log", "vigil.log.1", "vigil.log.2"), names); // max_files 2: older ones removed
        }
        assertTrue(Files.size(file) < 4096 + 1024, "rolled at its size: " + Files.size(file));
    }

    @Test
    void anUnwritableLogFolderIsOneLineNamingTheKey() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-folder"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> LogSetup.apply(
                new LoggingConfig("info", "text", Optional.of(new LoggingConfig.FileLog(blocker.resolve("vigil.log"), 1 << 20, 3))), Map.of()));
        assertTrue(e.getMessage().startsWith("logging.file.path: cannot create " + blocker), e.getMessage());
    }

    @Test
    void logbackStartsWithTheDefaultConsoleBuiltInCode() {
        assertTrue(ServiceLoader.load(Configurator.class).stream().anyMatch(p -> p.type() == DefaultLogging.class),
                "registered in META-INF/services");
        LoggerContext ctx = new LoggerContext();
        DefaultLogging d = new DefaultLogging();
        d.setContext(ctx);
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, d.configure(ctx));
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        ConsoleAppender<?> console = assertInstanceOf(ConsoleAppender.class, root.getAppender(LogSetup.CONSOLE));
        assertEquals("System.err", console.getTarget());
        SecretMaskingEncoder masking = assertInstanceOf(SecretMaskingEncoder.class, console.getEncoder());
        assertEquals(ConsolePattern.pattern(System.getenv()), ((PatternLayoutEncoder) masking.getEncoder()).getPattern());
        assertEquals(Level.OFF, ctx.getLogger("com.pi4j.boardinfo").getLevel());
        assertEquals(Level.WARN, ctx.getLogger("ai.djl").getLevel());
    }

    @Test
    void theConsoleIsBuiltAgainOnlyWhenTheConfigAsksForAnotherOne() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LogSetup.apply(LoggingConfig.DEFAULT, Map.of());
        var console = root.getAppender(LogSetup.CONSOLE);
        LogSetup.apply(LoggingConfig.DEFAULT, Map.of());
        assertSame(console, root.getAppender(LogSetup.CONSOLE), "the same text console: kept");
        LogSetup.apply(LoggingConfig.DEFAULT, Map.of("JOURNAL_STREAM", "8:1"));
        assertNotSame(console, root.getAppender(LogSetup.CONSOLE), "another pattern: a new console");
    }
}
