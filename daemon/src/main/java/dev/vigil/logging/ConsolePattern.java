package dev.vigil.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Map;

/**
 * The console's line format, chosen by where stderr goes. Under systemd ({@code JOURNAL_STREAM} set) a line carries no
 * timestamp, since journald stamps every line itself, and starts with the syslog priority ({@code <6>} for INFO),
 * which journald takes as the record's priority. Elsewhere: the time of day, the level, the class and the message.
 * Used by {@link DefaultLogging} and {@link LogSetup}; a logback.xml of one's own ({@code -Dlogback.configurationFile})
 * may use it too: {@code <define name="CONSOLE_PATTERN" class="dev.vigil.logging.ConsolePattern"/>}.
 */
public final class ConsolePattern extends PropertyDefinerBase {

    public static final String TERMINAL = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
    public static final String JOURNAL = "%syslogPriority%-5level %logger{0} - %msg%n";
    /** For files: a full timestamp with the offset, since a file outlives the day. */
    public static final String FILE = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";

    @Override
    public String getPropertyValue() {
        return pattern(System.getenv());
    }

    static String pattern(Map<String, String> env) {
        String js = env.get("JOURNAL_STREAM");
        return js != null && !js.isBlank() ? JOURNAL : TERMINAL;
    }

    static boolean underJournal(Map<String, String> env) {
        return pattern(env).equals(JOURNAL);
    }
}
