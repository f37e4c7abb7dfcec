package dev.vigil.nativeio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            saved = Libc.dup(2);
            fd = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom(tmp.toString()), Libc.O_WRONLY | Libc.O_TRUNC, 0);
            if (saved < 0 || fd < 0) {
                if (saved >= 0) Libc.close(saved);
                Files.deleteIfExists(tmp);
                return new Captured<>(action.get(), "");
            }
            Libc.dup2(fd, 2);
            Libc.close(fd);
        } catch (Throwable t) {
            return new Captured<>(action.get(), "");
        }
        T value;
        try {
            value = action.get();
        } finally {
            try {
                System.err.flush();
                Libc.dup2(saved, 2);
                Libc.close(saved);
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
