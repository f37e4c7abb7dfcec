package dev.vigil.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.inference.EngineOptions;
import dev.vigil.inference.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadFileTest {

    @TempDir
    Path tmp;

    static LearnedModel model(Head head) {
        return new LearnedModel("parts", head, new LearnedModel.Extractor("mobilenet_v1_embedding_extractor", "x.tflite", "ab".repeat(32), "/nowhere/x.tflite"),
                new Roi(0.1, 0.2, 0.5, 0.6), "0123456789abcdef", "image folders /data", Instant.parse("2026-11-30T04:00:00Z"),
                Map.of("imprinting", 0.9, "softmax", 0.95, "examples", 20.0));
    }

    @Test
    void aHeadFileReadsBackAsItWasWrittenAndGivesTheSameProbabilities() throws Exception {
        Head head = new Head(Head.Kind.IMPRINTING, 20f, List.of("notch", "ok"), new float[][] {{0.6f, 0.8f, 0f}, {0f, 0.6f, 0.8f}},
                new float[] {0f, 0f}, new float[] {0.1f, 0.1f, 0.1f});
        Path file = tmp.resolve("parts.head.json");
        HeadFile.write(file, model(head));
        LearnedModel back = HeadFile.read(file);
        assertEquals("parts", back.name());
        assertEquals(List.of("notch", "ok"), back.head().labels());
        assertEquals(Head.Kind.IMPRINTING, back.head().kind());
        assertEquals(new Roi(0.1, 0.2, 0.5, 0.6), back.roi());
        assertEquals(0.95, back.validation().get("softmax"));
        float[] e = {0.7f, 0.7f, 0.14f}, p = new float[2], q = new float[2];
        head.probabilities(e, p);
        back.head().probabilities(e, q);
        assertArrayEquals(p, q);
        assertTrue(p[0] > 0.9f, "closer to notch's weights: " + p[0]);
    }

    @Test
    void aDamagedHeadOrAMissingExtractorIsOneLineAtLoad() throws Exception {
        Path file = Files.createDirectories(tmp.resolve("learned/parts")).resolve("parts.head.json");
        Files.writeString(file, "{\"format\": \"vigil-head\", \"version\": 1, \"kind\": \"softmax\"");
        ModelLoadException damaged = assertThrows(ModelLoadException.class, () -> LearnedModels.open(file, "tflite", EngineOptions.cpu(1)));
        assertTrue(damaged.getMessage().startsWith("head file " + file + " cannot be read: "), damaged.getMessage());
        assertTrue(damaged.getMessage().endsWith("; run vigil learn again"), damaged.getMessage());

        HeadFile.write(file, model(new Head(Head.Kind.SOFTMAX, 1f, List.of("a", "b"), new float[2][3], new float[2], null)));
        ModelLoadException missing = assertThrows(ModelLoadException.class, () -> LearnedModels.open(file, "tflite", EngineOptions.cpu(1)));
        assertEquals("learned model parts needs extractor mobilenet_v1_embedding_extractor (sha256 " + "ab".repeat(32)
                + "), found nowhere; pull it: vigil models pull mobilenet_v1_embedding_extractor", missing.getMessage());
    }
}
