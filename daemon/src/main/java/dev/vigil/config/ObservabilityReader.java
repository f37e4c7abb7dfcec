package dev.vigil.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads and writes the {@code power:} and {@code logging:} sections (metrics, status page, logs). */
final class ObservabilityReader {

    private ObservabilityReader() {}

    static PowerConfig power(ConfigNode n) {
        PowerConfig d = PowerConfig.DEFAULT;
        if (n.missing()) return d;
        n.mapping("power settings (source, idle_watts, busy_watts, interval_s)")
                .allowOnly(List.of("source", "idle_watts", "busy_watts", "interval_s"));
        String source = n.get("source").oneOf(d.source(), PowerConfig.SOURCES);
        double idle = n.get("idle_watts").number(d.idleWatts(), 0, 10_000);
        ConfigNode b = n.get("busy_watts");
        double busy = b.number(Math.max(idle, d.busyWatts()), 0, 10_000);
        if (busy < idle) throw b.fail(b.show() + " is below idle_watts " + number(idle) + "; busy draw is at least the idle draw");
        Duration interval = n.get("interval_s").seconds(d.interval().toNanos() / 1e9, 0.1);
        if (interval.compareTo(Duration.ofMinutes(10)) > 0) throw n.get("interval_s").fail(n.get("interval_s").show() + " is not within 0.1..600");
        return new PowerConfig(source, idle, busy, interval);
    }

    static LoggingConfig logging(ConfigNode n) {
        LoggingConfig d = LoggingConfig.DEFAULT;
        if (n.missing()) return d;
        n.mapping("logging settings (level, format, file)").allowOnly(List.of("level", "format", "file"));
        String level = n.get("level").oneOf(d.level(), LoggingConfig.LEVELS);
        String format = n.get("format").oneOf(d.format(), LoggingConfig.FORMATS);
        ConfigNode f = n.get("file");
        Optional<LoggingConfig.FileLog> file = Optional.empty();
        if (!f.missing()) {
            f.mapping("a log file (path, max_size, max_files)").allowOnly(List.of("path", "max_size", "max_files"));
            ConfigNode p = f.get("path");
            if (p.missing()) throw p.fail("missing; give the log file, e.g. /var/lib/vigil/vigil.log");
            Path path = p.path(null);
            long max = f.get("max_size").bytes(10L << 20);
            if (max < 4096) throw f.get("max_size").fail(f.get("max_size").show() + " is too small; give at least 4KB, e.g. 10MB");
            int files = f.get("max_files").integer(5, 1, 100);
            file = Optional.of(new LoggingConfig.FileLog(path, max, files));
        }
        return new LoggingConfig(level, format, file);
    }

    static void write(ObjectNode root, PowerConfig p, LoggingConfig l) {
        ObjectNode pn = root.putObject("power");
        pn.put("source", p.source());
        pn.put("idle_watts", p.idleWatts());
        pn.put("busy_watts", p.busyWatts());
        pn.put("interval_s", p.interval().toNanos() / 1e9);
        ObjectNode ln = root.putObject("logging");
        ln.put("level", l.level());
        ln.put("format", l.format());
        l.file().ifPresent(f -> ln.putObject("file").put("path", f.path().toString()).put("max_size", f.maxBytes())
                .put("max_files", f.maxFiles()));
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
