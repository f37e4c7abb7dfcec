package dev.vigil.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debug line that says which rule kept a group from firing ({@code rules door/person: held back by zone: ...}), so
 * that "a person at 0.72 raised nothing" has an answer in the log. Off unless this logger is at debug; then one line per
 * group when the holding rule changes, and again every {@link #REPEAT} while it stays the same, never one per frame.
 * Times are the frames' own (a test's virtual frames, a replay), so the limit does not depend on the wall clock.
 */
final class HeldBack {

    private static final Logger log = LoggerFactory.getLogger(HeldBack.class);

    /** How often an unchanged reason is repeated. */
    static final Duration REPEAT = Duration.ofSeconds(5);

    private final String camera;
    private final String[] lastRule;
    private final Instant[] lastAt;

    HeldBack(String camera, int groups) {
        this.camera = camera;
        this.lastRule = new String[groups];
        this.lastAt = new Instant[groups];
    }

    /** A score, coordinate or area as the log shows it: {@code 0.72}. */
    static String num(float v) { return String.format(Locale.ROOT, "%.2f", v); }

    /** A configured threshold as written: {@code 0.6}, {@code 0.005}, {@code 1}. */
    static String value(float v) { return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString(); }

    /** A box area, small as it may be: {@code 0.0042}. */
    static String area(float v) { return String.format(Locale.ROOT, "%.4f", v); }

    /** {@code 30 s}, {@code 0.5 s}. */
    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return (s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s)) + " s";
    }

    /** Whether reasons are wanted at all: the frame path builds none otherwise. */
    boolean on() { return log.isDebugEnabled(); }

    /** Group {@code g} fired: the next hold-back is news again. */
    void fired(int g) {
        lastRule[g] = null;
    }

    /**
     * @param rule   the key of the rule that held the group back (zone, mask, min_score, area, confirm, cooldown, tracking)
     * @param detail what the rule saw, e.g. {@code person 0.72 stands at (0.52, 0.40), in no zone [door]}
     */
    void held(int g, String group, String rule, String detail, Instant t) {
        if (Objects.equals(rule, lastRule[g]) && lastAt[g] != null && !t.isBefore(lastAt[g])
                && Duration.between(lastAt[g], t).compareTo(REPEAT) < 0) return;
        lastRule[g] = rule;
        lastAt[g] = t;
        log.debug("rules {}/{}: held back by {}: {}", camera, group, rule, detail);
    }
}
