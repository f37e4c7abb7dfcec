package dev.vigil.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's own class path has no engine module: what it says when one is asked for. */
class EnginesTest {

    @TempDir Path tmp;

    static final Engines.OptionalEngine DJL = Engines.OPTIONAL.getFirst();

    @Test
    void djlAskedForOnArm64SaysWhyAndTheFixInOneLine() {
        assertEquals("engine: djl is not available on linux-arm64 (the DJL TFLite engine ships x86_64 natives only);"
                + " use engine: tflite", Engines.absent(DJL, "linux-arm64"));
    }

    @Test
    void djlAskedForOnX86WithoutItsJarNamesTheJar() {
        assertEquals("engine: djl is not available in this installation (the vigil-djl jar is not on the class path;"
                + " the amd64 package and ./vigil in a built checkout have it); use engine: tflite",
                Engines.absent(DJL, "linux-x86_64"));
    }

    @Test
    void openingAnAbsentEngineFailsBeforeTheModelIsRead() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Engines.open("djl", tmp.resolve("never-read.tflite"), EngineOptions.cpu(1)));
        assertEquals(Engines.absent(DJL, Engines.platform()), e.getMessage());
        assertEquals(Optional.of(e.getMessage()), Engines.problem("djl"));
    }

    @Test
    void anUnknownEngineListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Engines.open("onnx", tmp.resolve("m.tflite"), EngineOptions.cpu(1)));
        assertEquals("engine: \"onnx\" is not one of tflite, djl", e.getMessage());
    }

    @Test
    void onlyTfliteRunsWithoutAnEngineModule() {
        assertEquals(List.of("tflite"), Engines.available());
        assertEquals(Optional.empty(), Engines.problem("tflite"));
    }

    @Test
    void platformsAreNamedAsThePackagesAre() {
        assertEquals("linux-x86_64", Engines.platform("Linux", "amd64"));
        assertEquals("linux-arm64", Engines.platform("Linux", "aarch64"));
        assertEquals("mac-x86_64", Engines.platform("Mac OS X", "x86_64"));
        assertEquals(Optional.empty(), Engines.wrongPlatform("djl", "linux-x86_64"));
        assertEquals(Optional.empty(), Engines.wrongPlatform("tflite", "linux-arm64"));
    }
}
