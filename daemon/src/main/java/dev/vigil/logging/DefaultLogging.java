package dev.vigil.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Logback's configuration until the config's {@code logging:} section is applied ({@link LogSetup}): the console
 * (stderr, since stdout carries the CLI's machine-readable output) in {@link ConsolePattern}'s format, root at INFO
 * (or {@code -Dvigil.log.level}), and the libraries that log too much turned down. Built in code rather than read from
 * a logback.xml: parsing XML was a tenth of a {@code detect}'s start-up. {@code -Dlogback.configurationFile} still
 * wins (this configurator then steps aside). Found by Logback through META-INF/services.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    /** Libraries quieter than the root: DJL probes for CUDA on start; JavaCV notes every camera (re)connect; Pi4J's
     *  board detection logs ERRORs on every machine that is not a Raspberry Pi (vigil says which chip or mock it uses). */
    static final Map<String, Level> QUIET = Map.of(
            "ai.djl", Level.WARN,
            "ai.djl.util.cuda", Level.ERROR,
            "org.bytedeco.javacv", Level.WARN,
            "com.pi4j", Level.WARN,
            "com.pi4j.boardinfo", Level.OFF,
            "org.eclipse.jetty", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        String file = System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
        if (file != null && !file.isBlank()) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        ConsoleAppender<ILoggingEvent> console = LogSetup.console(ctx, false, ConsolePattern.pattern(System.getenv()));
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("vigil.log.level"), Level.INFO));
        root.addAppender(console);
        QUIET.forEach((name, level) -> ctx.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
