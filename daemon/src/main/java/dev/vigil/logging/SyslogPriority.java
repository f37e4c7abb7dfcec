package dev.vigil.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %syslogPriority}: the sd-daemon priority prefix journald reads off each line of a service's stderr
 * ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug).
 */
public final class SyslogPriority extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return switch (event.getLevel().toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }
}
