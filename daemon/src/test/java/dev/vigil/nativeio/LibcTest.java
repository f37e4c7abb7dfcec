package dev.vigil.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcTest {

    @TempDir
    Path tmp;

    @Test
    void aFailedCallLeavesItsErrnoInTheCallState() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            String missing = tmp.resolve("missing").toString();
            int fd = (int) Libc.OPEN.invokeExact(st, a.allocateFrom(missing), Libc.O_RDWR | Libc.O_CLOEXEC, 0);
            assertEquals(-1, fd);
            assertEquals(2, Libc.errno(st)); // ENOENT
            assertEquals("No such file or directory (errno 2)", Libc.describe(Libc.errno(st)));
            assertEquals("No such file or directory", Libc.strerror(2));
        }
    }

    @Test
    void aRegularFileIsNoTerminalAndItsDescriptorCloses() throws Throwable {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.OPEN.invokeExact(st, a.allocateFrom(f.toString()), Libc.O_RDWR | Libc.O_CLOEXEC, 0);
            assertTrue(fd >= 0, Libc.describe(Libc.errno(st)));
            assertFalse(Libc.isatty(fd));
            Libc.close(fd);
            int again = (int) Libc.CLOSE.invokeExact(st, fd);
            assertEquals(-1, again, "closed already");
            assertEquals(9, Libc.errno(st)); // EBADF
        }
    }

    @Test
    void theLoaderSaysWhyALibraryDoesNotLoad() {
        assertNull(Libc.dlopenError("libc.so.6"));
        String why = Libc.dlopenError("libvigil-absent.so.1");
        assertTrue(why != null && why.contains("libvigil-absent.so.1: cannot open shared object file"), why);
    }

    @Test
    void whatIsWrittenToDescriptorTwoIsCapturedAndTheDescriptorRestored() throws Exception {
        FileOutputStream fd2 = new FileOutputStream(FileDescriptor.err); // fd 2 itself, not the test runner's System.err
        NativeStderr.Captured<Integer> r = NativeStderr.capture(() -> {
            try {
                fd2.write("from fd 2\n".getBytes(StandardCharsets.UTF_8));
                fd2.flush();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return 42;
        });
        assertEquals(42, r.value());
        assertEquals("from fd 2\n", r.text());
        NativeStderr.Captured<Integer> empty = NativeStderr.capture(() -> 7);
        assertEquals("", empty.text(), "the first capture's redirection was undone");
    }
}
