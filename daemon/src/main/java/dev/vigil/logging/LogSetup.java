package dev.vigil.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.vigil.config.LoggingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies the config's {@code logging:} section to Logback once the config is read: the level, text or JSON lines
 * on the console (stderr), and an optional rolling file. Before that, {@link DefaultLogging}'s console (same format) logs.
 */
public final class LogSetup {

    static final String CONSOLE = "STDERR", FILE = "FILE";

    private LogSetup() {}

    /**
     * @throws IllegalArgumentException (one line naming {@code logging.file.path} and the fix) when the log file's
     *                                  folder cannot be made or written
     */
    public static void apply(LoggingConfig config) {
        apply(config, System.getenv());
    }

    static void apply(LoggingConfig config, Map<String, String> env) {
        apply(config, env, SIZE_CHECK_MILLIS);
    }

    /** How often the rolling file's size is looked at (a file may pass max_size by what is logged in between). */
    static final long SIZE_CHECK_MILLIS = 1000;

    static void apply(LoggingConfig config, Map<String, String> env, long sizeCheckMillis) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return; // another SLF4J binding: leave it be
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level().toUpperCase(Locale.ROOT), Level.INFO));
        boolean json = config.format().equals("json");

        String pattern = ConsolePattern.pattern(env);
        // The console DefaultLogging set up is kept when it is already the one asked for (text, same pattern).
        if (json || !(root.getAppender(CONSOLE) instanceof ConsoleAppender<ILoggingEvent> c
                && c.getEncoder() instanceof SecretMaskingEncoder m
                && m.getEncoder() instanceof PatternLayoutEncoder e && pattern.equals(e.getPattern()))) {
            replace(root, console(ctx, json, pattern));
        }

        Appender<ILoggingEvent> oldFile = root.getAppender(FILE);
        if (oldFile != null) {
            root.detachAppender(oldFile);
            oldFile.stop();
        }
        if (config.file().isPresent()) root.addAppender(file(ctx, config.file().get(), json, sizeCheckMillis));
    }

    /** The started console appender (stderr), text in {@code pattern} or JSON lines. */
    static ConsoleAppender<ILoggingEvent> console(LoggerContext ctx, boolean json, String pattern) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx, json, pattern));
        console.start();
        return console;
    }

    private static void replace(Logger root, Appender<ILoggingEvent> appender) {
        Appender<ILoggingEvent> old = root.getAppender(appender.getName());
        root.addAppender(appender);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    /** Every line goes out through {@link SecretMaskingEncoder}: no appender of ours writes a config secret. */
    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, boolean json, String pattern) {
        SecretMaskingEncoder masking = new SecretMaskingEncoder(layout(ctx, json, pattern));
        masking.start();
        return masking;
    }

    private static Encoder<ILoggingEvent> layout(LoggerContext ctx, boolean json, String pattern) {
        if (json) {
            JsonEncoder e = new JsonEncoder();
            e.setContext(ctx);
            e.setWithSequenceNumber(false);
            e.setWithNanoseconds(false);
            e.setWithContext(false);
            e.start();
            return e;
        }
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(pattern);
        // %syslogPriority is ours: registered in the context, where every pattern layout looks its rules up.
        @SuppressWarnings("unchecked")
        Map<String, String> rules = (Map<String, String>) ctx.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY);
        if (rules == null) {
            rules = new java.util.HashMap<>();
            ctx.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
        }
        rules.putIfAbsent("syslogPriority", SyslogPriority.class.getName());
        e.start();
        return e;
    }

    private static Appender<ILoggingEvent> file(LoggerContext ctx, LoggingConfig.FileLog f, boolean json, long sizeCheckMillis) {
        Path path = f.path().toAbsolutePath();
        try {
            Files.createDirectories(path.getParent());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("logging.file.path: cannot create " + path.getParent() + " (" + e.getMessage()
                    + "); give a folder the daemon may write");
        }
        if (!Files.isWritable(path.getParent()) || (Files.exists(path) && !Files.isWritable(path)))
            throw new IllegalArgumentException("logging.file.path: " + path + " is not writable; give a file in a folder the daemon may write");
        RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
        a.setContext(ctx);
        a.setName(FILE);
        a.setFile(path.toString());
        FixedWindowRollingPolicy roll = new FixedWindowRollingPolicy();
        roll.setContext(ctx);
        roll.setParent(a);
        roll.setFileNamePattern(path + ".%i");
        roll.setMinIndex(1);
        roll.setMaxIndex(f.maxFiles());
        roll.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(f.maxBytes()));
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(sizeCheckMillis));
        trigger.start();
        a.setRollingPolicy(roll);
        a.setTriggeringPolicy(trigger);
        a.setEncoder(encoder(ctx, json, ConsolePattern.FILE));
        a.start();
        return a;
    }
}
