package dev.vigil.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Whether standard error is a terminal. {@code System.console()} only answers for stdin and stdout together,
 * and a progress bar on stderr must also appear when stdout is piped ({@code vigil models pull x > path.txt}),
 * so this asks libc's {@code isatty(2)} through FFM.
 */
public final class Terminal {

    private Terminal() {}

    public static boolean stderrIsTerminal() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle isatty = linker.defaultLookup().find("isatty")
                    .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
            if (isatty == null) return false;
            return (int) isatty.invokeExact(2) == 1;
        } catch (Throwable e) {
            // Native access refused or no libc: plain progress lines are always safe.
            return false;
        }
    }
}
