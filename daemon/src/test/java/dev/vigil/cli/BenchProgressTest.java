package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline bench runs for a minute: it says how far it is on stderr, and stdout stays the one JSON result. */
class BenchProgressTest {

    @TempDir
    Path tmp;

    @Test
    void pipelineBenchReportsProgressOnStderrAndOnlyTheResultOnStdout() throws Exception {
        Files.copy(TestData.image("dog.bmp"), tmp.resolve("dog.bmp"));
        CliTest.Run r = CliTest.run("bench", "--pipeline", "--json", "--duration", "6", "--cameras", "1", "--camera-fps", "20",
                "--threads", "1", "--model", TestData.model(TestData.DETECTOR).toString(), "--images", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.lines().size(), r.out());
        assertEquals("pipeline", r.lines().getFirst().get("mode").asText());
        assertTrue(r.err().contains("bench: engine alone (before)...\n"), r.err());
        assertTrue(r.err().contains("bench: 1 camera(s) at 20.0 fps: warming up for 2 s\n"), r.err());
        // Every 5 s while measuring, and once at the end of the 6 s.
        assertTrue(r.err().matches("(?s).*bench: measuring: 5 of 6 s, [0-9.]+ fps processed\n.*"), r.err());
        assertTrue(r.err().matches("(?s).*bench: measuring: 6 of 6 s, [0-9.]+ fps processed\n.*"), r.err());
    }
}
