package dev.vigil.nativeio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Captures what native code writes to file descriptor 2 while an action runs.
 *
 * <p>TensorFlow Lite reports load errors ("unresolved custom op", "not a valid flatbuffer") and INFO lines only
 * by printing them to stderr; no library turns that into a Java value, so this redirects fd 2 into a temporary
 * file for the duration (dup/dup2 through FFM), puts it back and returns the text. The CLI's own stderr stays
 * one clean line, and the native message becomes part of a proper error.
 */
public final class NativeStderr {

    public record Captured<T>(T value, String text) {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DUP = downcall("dup", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle DUP2 = downcall("dup2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final int O_WRONLY = 1, O_TRUNC = 0x200;

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.defaultLookup().find(name).map(a -> LINKER.downcallHandle(a, fd)).orElseThrow();
    }

    private NativeStderr() {}

    /** Runs {@code action} with native stderr redirected; a failure of the redirection itself runs it plainly. */
    public static synchronized <T> Captured<T> capture(Supplier<T> action) {
        Path tmp;
        int saved, fd;
        try {
            tmp = Files.createTempFile("vigil-native-", ".log");
        } catch (IOException e) {
            return new Captured<>(action.get(), "");
        }
        try (Arena arena = Arena.ofConfined()) {
            System.err.flush();
            saved = (int) DUP.invokeExact(2);
            fd = (int) OPEN.invokeExact(arena.allocateFrom(tmp.toString()), O_WRONLY | O_TRUNC, 0);
            if (saved < 0 || fd < 0) {
                if (saved >= 0) { int ignored = (int) CLOSE.invokeExact(saved); }
                Files.deleteIfExists(tmp);
                return new Captured<>(action.get(), "");
            }
            int r = (int) DUP2.invokeExact(fd, 2);
            int c = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            return new Captured<>(action.get(), "");
        }
        T value;
        try {
            value = action.get();
        } finally {
            try {
                System.err.flush();
                int r = (int) DUP2.invokeExact(saved, 2);
                int c = (int) CLOSE.invokeExact(saved);
            } catch (Throwable ignored) {
                // fd 2 stays on the file: nothing better can be done, and nothing is lost but stderr output.
            }
        }
        String text;
        try {
            text = Files.readString(tmp, StandardCharsets.UTF_8);
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            text = "";
        }
        return new Captured<>(value, text);
    }
}
