package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads the {@code power:}, {@code logging:} and {@code drift:} sections (metrics, status page, logs). */
final class ObservabilityReader {

    private ObservabilityReader() {}

    static PowerConfig power(ConfigNode n) {
        PowerConfig d = PowerConfig.DEFAULT;
        if (!n.missing()) {
            n.mapping("power settings (source, idle_watts, busy_watts, interval_s)")
                    .allowOnly(List.of("source", "idle_watts", "busy_watts", "interval_s"));
        }
        String source = word(n.get("source").takes("one of " + String.join(", ", PowerConfig.SOURCES)), d.source());
        double idle = n.get("idle_watts").number(d.idleWatts());
        double busy = n.get("busy_watts").number(Math.max(idle, d.busyWatts()));
        Duration interval = n.get("interval_s").seconds(d.interval().toNanos() / 1e9);
        return n.make(() -> new PowerConfig(source, idle, busy, interval));
    }

    static LoggingConfig logging(ConfigNode n) {
        LoggingConfig d = LoggingConfig.DEFAULT;
        if (!n.missing()) n.mapping("logging settings (level, format, file)").allowOnly(List.of("level", "format", "file"));
        String level = word(n.get("level").takes("one of " + String.join(", ", LoggingConfig.LEVELS)), d.level());
        String format = word(n.get("format").takes("one of " + String.join(", ", LoggingConfig.FORMATS)), d.format());
        ConfigNode f = n.get("file");
        Optional<LoggingConfig.FileLog> file = Optional.empty();
        if (!f.missing()) {
            f.mapping("a log file (path, max_size, max_files)").allowOnly(List.of("path", "max_size", "max_files"));
            ConfigNode p = f.get("path");
            if (p.missing()) throw p.fail("missing; give the log file, e.g. /var/lib/vigil/vigil.log");
            Path path = p.path(null);
            long max = f.get("max_size").bytes(10L << 20);
            int files = f.get("max_files").integer(5);
            file = Optional.of(f.make(() -> new LoggingConfig.FileLog(path, max, files)));
        }
        Optional<LoggingConfig.FileLog> fileLog = file;
        return n.make(() -> new LoggingConfig(level, format, fileLog));
    }

    static DriftConfig drift(ConfigNode n) {
        if (!n.missing()) n.mapping("drift settings (uncertain_margin)").allowOnly(List.of("uncertain_margin"));
        double margin = n.get("uncertain_margin").number(DriftConfig.DEFAULT.uncertainMargin());
        return n.make(() -> new DriftConfig(margin));
    }

    /** A word the record checks against its list; written in any case. */
    private static String word(ConfigNode n, String def) {
        return n.keep(n.text(def).strip().toLowerCase(java.util.Locale.ROOT));
    }
}
