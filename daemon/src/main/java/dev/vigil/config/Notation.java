package dev.vigil.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two notations with units a config uses: sizes ({@code 500MB}, 1 KB = 1024 bytes as Spring's DataSize) and
 * ages ({@code 7d}), read and written. A wrong notation is null here; the caller says where it was.
 */
final class Notation {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhdw])", Pattern.CASE_INSENSITIVE);
    static final String SIZE_HINT = "a size like 500MB (units B, KB, MB, GB, TB; 1 KB = 1024 bytes)";
    static final String AGE_HINT = "a duration like 7d or 12h (units s, m, h, d, w)";

    private Notation() {}

    /** Bytes, or null when {@code s} is not a size; {@code Long.MAX_VALUE} when it is too large to hold. */
    static Long size(String s) {
        Matcher m = SIZE.matcher(s.strip());
        if (!m.matches()) return null;
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int power = "bkmgt".indexOf(unit.charAt(0));
        double v = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        return v > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : (long) v;
    }

    /** The age, or null when {@code s} is not one; a count of 0 is {@link Duration#ZERO}. */
    static Duration age(String s) {
        Matcher m = AGE.matcher(s.strip());
        if (!m.matches()) return null;
        long n = Long.parseLong(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** An age in its largest whole unit: {@code 36h}, {@code 30d}. */
    static String age(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) return s / 86400 + "d";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }
}
