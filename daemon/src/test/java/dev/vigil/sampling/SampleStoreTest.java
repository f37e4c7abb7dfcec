package dev.vigil.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.events.EventFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store after a crash: a JPEG whose record never came and a half-written temporary file are gone at the next open. */
class SampleStoreTest {

    @TempDir
    Path tmp;

    static Sample sample(String frame) {
        Instant t = Instant.parse("2026-11-21T08:00:00Z");
        return new Sample(Sample.id(t, "door", frame), t, "door", "x.jpg", "random", List.of("random"), "m", "0".repeat(64), "detector",
                10, 10, List.of(new Sample.Box("cat", 0.4, new double[] {0, 0, 1, 1})), null, null, null, 0x8000_0000_0000_0001L);
    }

    @Test
    void whatACrashLeftHalfDoneIsRemovedAndWhatWasWrittenReadsBack() throws Exception {
        SampleStore store = SampleStore.open(tmp, 1 << 20, EventFiles.local());
        Sample s = sample("1");
        store.add(s, new byte[] {1, 2, 3});
        Files.write(tmp.resolve("samples/20261121-080000-000-door-2.jpg"), new byte[] {9}); // its JSON never written
        Files.write(tmp.resolve("samples/.20261121-080000-000-door-3.json.1f.tmp"), new byte[] {9});
        SampleStore again = SampleStore.open(tmp, 1 << 20, EventFiles.local());
        try (var files = Files.list(tmp.resolve("samples"))) {
            assertEquals(List.of(s.id() + ".jpg", s.id() + ".json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Sample back = again.get(s.id());
        assertEquals(s.dhash(), back.dhash());
        assertEquals(s.predictions().getFirst().label(), back.predictions().getFirst().label());
        assertFalse(back.labelled());
        assertTrue(again.label(s.id(), List.of()));
        assertTrue(again.get(s.id()).labelled(), "labelled with nothing is labelled");
        assertNull(again.get("../../etc/passwd"));
        assertEquals(again.bytes(), Files.size(again.jpeg(s.id())) + Files.size(tmp.resolve("samples/" + s.id() + ".json")));
    }
}
