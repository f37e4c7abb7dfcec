package dev.vigil.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The checks config records run in their compact constructors, each failing with a {@link ConfigException} at a key
 * relative to the record. The wording is the one every config error uses: {@code 1.5 is not within 0..1},
 * {@code 0 must be at least 1}.
 */
public final class Check {

    /** Camera, group, zone, mask, input and output names: they become metric tags, event fields and file names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9_-]+");
    public static final String NAME_RULE = "lowercase letters, digits, '_' and '-'";

    private Check() {}

    public static void within(String key, long v, long min, long max) {
        if (v < min || v > max) throw ConfigException.at(key, v + " is not within " + min + ".." + max);
    }

    public static void within(String key, double v, double min, double max) {
        if (!(v >= min && v <= max)) throw ConfigException.at(key, show(v) + " is not within " + show(min) + ".." + show(max));
    }

    /** A float shown as written ({@code 0.6}, not {@code 0.6000000238418579}). */
    public static void within(String key, float v, double min, double max) {
        if (!(v >= min && v <= max)) throw ConfigException.at(key, show(v) + " is not within " + show(min) + ".." + show(max));
    }

    /** A detection or classification score: 0..1. */
    public static float score(String key, float v) {
        within(key, v, 0, 1);
        return v;
    }

    public static void atLeast(String key, double v, double min) {
        if (!(v >= min)) throw ConfigException.at(key, show(v) + " must be at least " + show(min));
    }

    /** A whole number of milliseconds ({@code pulse_ms}) within bounds. */
    public static void millis(String key, Duration d, long min, long max) {
        within(key, d.toMillis(), min, max);
        if (d.toNanos() % 1_000_000 != 0) throw ConfigException.at(key, d.toNanos() / 1e6 + " is not a whole number");
    }

    /** Seconds ({@code cooldown_s}) of at least {@code min}. */
    public static void seconds(String key, Duration d, double min) {
        atLeast(key, d.toNanos() / 1e9, min);
    }

    /** {@code what} is e.g. "a camera" or "an output": {@code a camera name is lowercase letters, ... (why)}. */
    public static void name(String key, String name, String what, String why) {
        if (name == null || !NAME.matcher(name).matches()) throw ConfigException.at(key, what + " name is " + NAME_RULE + " (" + why + ")");
    }

    /** A byte count in the largest unit it is a whole number of: {@code 1KB}, {@code 10MB}, {@code 1000}. */
    public static String bytes(long n) {
        String[] units = {"", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (u < units.length - 1 && n != 0 && n % 1024 == 0) {
            n /= 1024;
            u++;
        }
        return n + units[u];
    }

    public static String show(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    public static String show(float f) {
        return f == Math.rint(f) && Math.abs(f) < 1e15 ? Long.toString((long) f) : Float.toString(f);
    }
}
