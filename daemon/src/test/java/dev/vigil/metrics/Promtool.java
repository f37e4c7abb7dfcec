package dev.vigil.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian package prometheus, installed by .ci/run) on an exposition. */
public final class Promtool {

    private Promtool() {}

    /** What promtool printed; empty when the exposition is valid and has no lint warning. Fails when promtool is missing. */
    public static String check(String exposition) throws IOException, InterruptedException {
        Path bin = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                bin = p;
                break;
            }
        }
        if (bin == null) throw new AssertionError("promtool not found on PATH: install the Debian package prometheus (apt-get install -y prometheus; .ci/run does)");
        Process p = new ProcessBuilder(bin.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 30 s");
        }
        return p.exitValue() == 0 ? out.strip() : ("exit " + p.exitValue() + ": " + out).strip();
    }
}
