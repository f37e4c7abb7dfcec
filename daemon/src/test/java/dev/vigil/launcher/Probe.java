package dev.vigil.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of the stand-in jar the launcher tests run: prints its arguments and which AOT cache file the JVM
 * has mapped (from /proc/self/maps: what the kernel says, not what the command line asked for). {@code aot-train}
 * loads a few classes and, like vigil's, says when there is no model to train with ($VIGIL_HOME/models empty), or
 * fails with exit 3 when PROBE_FAIL_TRAINING is set.
 */
public final class Probe {

    private Probe() {}

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("aot-train")) {
            if (System.getenv("PROBE_FAIL_TRAINING") != null) System.exit(3);
            System.out.println(java.time.LocalDate.now() + " " + new java.util.TreeMap<>(System.getenv()).size());
            String home = System.getenv("VIGIL_HOME");
            Path models = home == null ? null : Path.of(home, "models");
            if (models == null || !Files.isDirectory(models) || Files.list(models).findAny().isEmpty()) {
                System.out.println("aot-train: no model here; training without inference"); // as AotTrainCommand says
            }
            return;
        }
        String mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(f -> f.endsWith(".aot")).findFirst().orElse("none");
        System.out.println("probe " + String.join(" ", args) + "; aot " + mapped);
    }
}
