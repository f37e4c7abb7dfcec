package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil token}: prints the token file's token, or rotates it atomically with mode 0640. */
class TokenCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine(args);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @TempDir
    Path tmp;

    @Test
    void rotateWritesA43CharacterTokenMode0640AndPrintShowsIt() throws Exception {
        Path f = tmp.resolve("http-token");
        Run r = run("token", "--rotate", "--file", f.toString());
        assertEquals(0, r.code(), r.err());
        String token = r.out().strip();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals(token + "\n", Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(token + "\n", run("token", "--file", f.toString()).out());

        Run again = run("token", "--rotate", "--file", f.toString());
        assertNotEquals(token, again.out().strip());
        assertEquals(again.out(), Files.readString(f));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left beside it");
        }
    }

    @Test
    void aMissingFileIsOneLineWithTheFix() {
        Path f = tmp.resolve("none");
        Run r = run("token", "--file", f.toString());
        assertEquals(1, r.code());
        assertEquals("vigil: " + f + ": no such file; create one with `vigil token --rotate --file " + f + "`\n", r.err());
        assertEquals("", r.out());
    }
}
