package dev.vigil.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both launchers (./vigil and the package's /usr/bin/vigil) with the start-up cache: the first start runs without one
 * and trains it in the background, the next start maps it, a changed jar is never run with the old cache and gets a
 * new one (the old one removed), and a failed training is one line on stderr, once. A stand-in jar ({@link Probe})
 * keeps each training to a second or two; stdout must hold the command's output and nothing of the JVM's.
 */
class AotCacheLauncherTest {

    static final Path ROOT = Path.of(System.getProperty("vigil.root", "..")).toAbsolutePath().normalize();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** On a machine whose cores are busy the training takes its time; nothing here depends on how fast it is. */
    static final Duration TRAINING = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    record Run(String stdout, String stderr) {}

    @Test
    void theCheckoutLauncherMakesTheCacheUsesItAndNeverAStaleOne() throws Exception {
        Path root = tmp.resolve("checkout");
        copy(ROOT.resolve("vigil"), root.resolve("vigil"));
        copy(ROOT.resolve("deploy/aot-cache.sh"), root.resolve("deploy/aot-cache.sh"));
        Path jar = root.resolve("daemon/target/vigil.jar"); // no daemon/src: the launcher builds nothing
        probeJar(jar);
        Path cacheDir = tmp.resolve("xdg/vigil/aot");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString());

        Run first = run(root.resolve("vigil"), env, "detect", "--json");
        assertEquals("probe detect --json; aot none\n", first.stdout(), "the first start has no cache yet");
        Path cache = awaitCache(cacheDir, null);

        Run second = run(root.resolve("vigil"), env, "detect", "--json");
        assertEquals("probe detect --json; aot " + cache + "\n", second.stdout(), "the next start maps the cache");
        assertEquals("", second.stderr());

        // A rebuilt jar (new bytes, new time): the old cache is not used, a new one is trained and the old one goes.
        probeJar(jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
        Run afterRebuild = run(root.resolve("vigil"), env, "detect");
        assertEquals("probe detect; aot none\n", afterRebuild.stdout(), "a changed jar never runs with the old cache");
        Path newCache = awaitCache(cacheDir, cache);
        assertNotEquals(cache, newCache);
        // the trainer renames the new cache into place, then removes the old one: a moment apart, long under load
        long gone = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (Files.exists(cache) && System.nanoTime() < gone) Thread.sleep(50);
        assertFalse(Files.exists(cache), "the cache of the old jar is removed");
        assertEquals("probe detect; aot " + newCache + "\n", run(root.resolve("vigil"), env, "detect").stdout());

        // Only the jar's time changed (a touch): that is a change too.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
        assertEquals("probe x; aot none\n", run(root.resolve("vigil"), env, "x").stdout());
        awaitCache(cacheDir, newCache);
    }

    @Test
    void thePackageLauncherKeepsTheServiceCacheInItsHome() throws Exception {
        Path lib = tmp.resolve("usr-lib-vigil");
        Path launcher = tmp.resolve("bin/vigil");
        String text = Files.readString(ROOT.resolve("deploy/deb/vigil"), StandardCharsets.UTF_8);
        assertTrue(text.contains("\nlib=/usr/lib/vigil\n"), "the package launcher names its folder in one line");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, text.replace("\nlib=/usr/lib/vigil\n", "\nlib=" + lib + "\n"), StandardCharsets.UTF_8);
        copy(ROOT.resolve("deploy/aot-cache.sh"), lib.resolve("aot-cache.sh"));
        probeJar(lib.resolve("vigil.jar"));
        Map<String, String> env = Map.of("VIGIL_HOME", tmp.resolve("var-lib-vigil").toString());

        assertEquals("probe run; aot none\n", run(launcher, env, "run").stdout());
        Path cache = awaitCache(tmp.resolve("var-lib-vigil/aot"), null);
        assertEquals("probe run; aot " + cache + "\n", run(launcher, env, "run").stdout());
    }

    @Test
    void aCacheTrainedWithoutAModelIsTrainedAgainOnceAModelArrives() throws Exception {
        Path root = tmp.resolve("checkout");
        copy(ROOT.resolve("vigil"), root.resolve("vigil"));
        copy(ROOT.resolve("deploy/aot-cache.sh"), root.resolve("deploy/aot-cache.sh"));
        probeJar(root.resolve("daemon/target/vigil.jar"));
        Path home = tmp.resolve("home"), cacheDir = home.resolve("aot");
        Map<String, String> env = Map.of("VIGIL_HOME", home.toString());

        run(root.resolve("vigil"), env, "run");
        Path cache = awaitCache(cacheDir, null);
        Path partial = Path.of(cache + ".partial");
        awaitFile(partial, true);
        Object firstInode = Files.getAttribute(cache, "unix:ino");
        assertEquals("probe run; aot " + cache + "\n", run(root.resolve("vigil"), env, "run").stdout());
        Thread.sleep(1500);
        assertEquals(firstInode, Files.getAttribute(cache, "unix:ino"), "no model yet: not trained again");

        Files.createDirectories(home.resolve("models"));
        Files.writeString(home.resolve("models/detector.tflite"), "weights");
        assertEquals("probe run; aot " + cache + "\n", run(root.resolve("vigil"), env, "run").stdout(),
                "the partial cache serves while the full one is trained");
        awaitFile(partial, false);
        assertNotEquals(firstInode, Files.getAttribute(cache, "unix:ino"), "replaced under the same name");
        assertEquals("probe run; aot " + cache + "\n", run(root.resolve("vigil"), env, "run").stdout());
    }

    @Test
    void aFailedTrainingIsOneLineOnceAndNeverBlocksTheCommand() throws Exception {
        Path root = tmp.resolve("checkout");
        copy(ROOT.resolve("vigil"), root.resolve("vigil"));
        copy(ROOT.resolve("deploy/aot-cache.sh"), root.resolve("deploy/aot-cache.sh"));
        probeJar(root.resolve("daemon/target/vigil.jar"));
        Path cacheDir = tmp.resolve("home/aot");
        Map<String, String> env = Map.of("VIGIL_HOME", tmp.resolve("home").toString(), "PROBE_FAIL_TRAINING", "1");

        assertEquals(new Run("probe a; aot none\n", ""), run(root.resolve("vigil"), env, "a"));
        long deadline = System.nanoTime() + TRAINING.toNanos();
        while (!hasFile(cacheDir, ".failed") && System.nanoTime() < deadline) Thread.sleep(100);
        assertTrue(hasFile(cacheDir, ".failed"), "the failed training is recorded");
        Run next = run(root.resolve("vigil"), env, "b");
        assertEquals("probe b; aot none\n", next.stdout());
        assertEquals(1, next.stderr().lines().count(), next.stderr());
        assertTrue(next.stderr().startsWith("vigil: the start-up cache could not be built (see " + cacheDir + "/train.log"),
                next.stderr());
        assertEquals(new Run("probe c; aot none\n", ""), run(root.resolve("vigil"), env, "c"), "said once");
    }

    // ---- helpers ----

    private static Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("VIGIL_") || k.equals("XDG_CACHE_HOME") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("VIGIL_JAVA", JAVA);
        // At its default niceness (19) the training waits behind every other process: on a machine kept busy (stress-ng,
        // CI) it can starve for minutes. The tests are about what the cache does, not the priority it is made at.
        pb.environment().put("VIGIL_AOT_NICE", "0");
        pb.environment().put("HOME", launcher.getParent().resolveSibling("user-home").toString()); // no real store
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out"), err = Files.createTempFile("launcher", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher returned");
        Run r = new Run(Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        assertEquals(0, p.exitValue(), r.toString());
        return r;
    }

    /** Waits for the training to leave a cache other than {@code old}. */
    private static Path awaitCache(Path dir, Path old) throws Exception {
        long deadline = System.nanoTime() + TRAINING.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    List<Path> caches = s.filter(p -> p.getFileName().toString().endsWith(".aot") && !p.equals(old)).toList();
                    if (!caches.isEmpty()) {
                        assertEquals(1, caches.size(), caches.toString());
                        return caches.getFirst();
                    }
                }
            }
            Thread.sleep(100);
        }
        String log = Files.exists(dir.resolve("train.log")) ? Files.readString(dir.resolve("train.log")) : "(no train.log)";
        throw new AssertionError("no cache in " + dir + " after " + TRAINING + "; " + log);
    }

    private static void awaitFile(Path file, boolean present) throws Exception {
        long deadline = System.nanoTime() + TRAINING.toNanos();
        while (Files.exists(file) != present && System.nanoTime() < deadline) Thread.sleep(100);
        assertEquals(present, Files.exists(file), file + (present ? " appears" : " goes"));
    }

    private static boolean hasFile(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(suffix));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A jar whose main class is {@link Probe}, written under a new name and moved in (a new inode, as a build makes). */
    private static void probeJar(Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        Path tmp = Files.createTempFile(jar.getParent(), "probe", ".jar");
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (OutputStream o = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(o, m);
             var in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            j.putNextEntry(new JarEntry(entry));
            in.transferTo(j);
            j.closeEntry();
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    }
}
