package dev.vigil.inference;

import java.lang.management.ManagementFactory;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/** What the DJL tests share. */
final class DjlTests {

    private DjlTests() {}

    /**
     * DJL extracts its TFLite library from the natives jar into ENGINE_CACHE_DIR (default ~/.djl.ai); tests keep
     * it under target/ so a test run writes nothing outside the build tree. Read once, on the first DJL load.
     */
    /**
     * Skips (with the reason) where DJL's natives cannot load: on arm64 CI the djl tests are not run, everything
     * else is. Also keeps DJL's cache in target/.
     */
    static void assumeDjlRunsHere() {
        Optional<String> problem = DjlEngine.platformProblem(System.getProperty("os.name"), System.getProperty("os.arch"));
        assumeTrue(problem.isEmpty(), problem::get);
        keepDjlCacheInTarget();
    }

    static void keepDjlCacheInTarget() {
        if (System.getenv("ENGINE_CACHE_DIR") == null && System.getProperty("ENGINE_CACHE_DIR") == null)
            System.setProperty("ENGINE_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    }

    /** CPU time of the whole process, native threads included. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
