package dev.vigil.model;

import dev.vigil.nativeio.Terminal;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Reports a transfer on stderr (never stdout, which carries the command's result): a bar redrawn in place on a
 * terminal, otherwise one plain line every 10% so logs stay short.
 */
public interface Progress {

    /** {@code done} of {@code total} bytes of {@code file} arrived; {@code total} is 0 when unknown. */
    void update(String file, long done, long total);

    /** The transfer ended (completed or not). */
    void end(String file, long done, long total);

    static Progress silent() {
        return new Progress() {
            @Override public void update(String file, long done, long total) {}
            @Override public void end(String file, long done, long total) {}
        };
    }

    /**
     * A bar when stderr is a terminal, percentage lines otherwise. Asked at the first transfer, not when the store is
     * made: most starts download nothing, and the question costs a native call's set-up.
     */
    static Progress stderr() {
        return new Progress() {
            private Progress chosen;

            private Progress chosen() {
                if (chosen == null) chosen = Terminal.stderrIsTerminal() ? bar(System.err) : lines(System.err);
                return chosen;
            }

            @Override public void update(String file, long done, long total) { chosen().update(file, done, total); }

            @Override public void end(String file, long done, long total) { chosen().end(file, done, total); }
        };
    }

    static Progress bar(PrintStream out) {
        return new Progress() {
            @Override public void update(String file, long done, long total) {
                int width = 30;
                int filled = total > 0 ? (int) Math.min(width, done * width / total) : 0;
                String bar = "#".repeat(filled) + "-".repeat(width - filled);
                String pct = total > 0 ? String.format(Locale.ROOT, "%3d%%", done * 100 / total) : "   ?";
                out.print("\r" + file + " [" + bar + "] " + pct + " " + amount(done) + " of " + amount(total) + "\u001b[K");
                out.flush();
            }

            @Override public void end(String file, long done, long total) {
                update(file, done, total);
                out.println();
            }
        };
    }

    static Progress lines(PrintStream out) {
        return new Progress() {
            private int lastTenth = -1;
            private String current;

            @Override public void update(String file, long done, long total) {
                if (!file.equals(current)) {
                    current = file;
                    lastTenth = -1;
                }
                int tenth = total > 0 ? (int) Math.min(10, done * 10 / total) : 0;
                if (tenth > lastTenth) {
                    lastTenth = tenth;
                    out.println(file + ": " + tenth * 10 + "% of " + amount(total));
                }
            }

            @Override public void end(String file, long done, long total) {
                update(file, done, total);
                current = null;
            }
        };
    }

    /** {@code 21.7 kB}, {@code 3.6 MB}: decimal units, as file sizes in the catalog listing. */
    static String amount(long bytes) {
        return bytes < 1_000_000
                ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
