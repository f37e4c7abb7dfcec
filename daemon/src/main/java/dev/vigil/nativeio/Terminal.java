package dev.vigil.nativeio;

/**
 * Whether standard error is a terminal. {@code System.console()} only answers for stdin and stdout together,
 * and a progress bar on stderr must also appear when stdout is piped ({@code vigil models pull x > path.txt}),
 * so this asks libc's {@code isatty(2)} through FFM.
 */
public final class Terminal {

    private Terminal() {}

    public static boolean stderrIsTerminal() {
        try {
            return Libc.isatty(2);
        } catch (Throwable e) {
            // Native access refused or no libc: plain progress lines are always safe.
            return false;
        }
    }
}
